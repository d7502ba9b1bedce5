// The trigger-signal add-on of the script tag, fetched on pages with a catalog once the
// recommendation add-on has validated it.
import { runTriggers } from '../widgets/recommend/triggers';

(window as Window & { AttuneTriggers?: unknown }).AttuneTriggers = { runTriggers };
