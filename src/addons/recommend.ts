// The recommendation add-on of the script tag, fetched only on pages with a row or a catalog.
import * as recommend from '../widgets/recommend/index';

(window as Window & { AttuneRecs?: unknown }).AttuneRecs = recommend;
