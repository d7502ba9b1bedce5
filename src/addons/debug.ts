// The debug add-on of the script tag, loaded under `data-debug`: the full config validator
// (src/decide/config.ts), which reports every problem with its JSON path, as `attune check`
// does. The tag itself only reads configs defensively (src/decide/config-reader.ts).
import { validateConfig } from '../decide/config';

(window as Window & { AttuneDebug?: unknown }).AttuneDebug = { validateConfig };
