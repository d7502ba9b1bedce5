// The web-vitals add-on of the script tag, fetched after start so it adds nothing to the tag's own size.
import { onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals';

(window as Window & { AttuneWebVitals?: unknown }).AttuneWebVitals = { onCLS, onFCP, onINP, onLCP, onTTFB };
