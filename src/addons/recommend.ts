// The recommendation add-on of the script tag, fetched only on pages with a row or a
// catalog. It carries only what the tag calls; apps that rank and render rows
// themselves import the models and the renderer from the npm module.
import { mountRecommendations } from '../widgets/recommend/mount';

(window as Window & { AttuneRecs?: unknown }).AttuneRecs = { mountRecommendations };
