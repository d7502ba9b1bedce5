// The script tag's second stage (src/api/stage2.ts), loaded from beside the tag after the
// page's load, once the browser is idle. It takes the tag's modules from window.AttuneShared
// (src/shared.ts) and adds what the widget add-ons it loads take from it.
import { STAGE2_SHARED, type Shared } from '../shared';
import { startStage2 } from '../api/stage2';

const w = window as Window & { AttuneShared?: Shared; AttuneStage2?: unknown };
Object.assign(w.AttuneShared!, STAGE2_SHARED);
w.AttuneStage2 = { startStage2 };
