/**
 * Calls `onLeave` when the page goes away or out of sight: `visibilitychange` to
 * hidden (another tab, minimised, a mobile app switch, where `pagehide` may never
 * come) or `pagehide` (navigation, close, reload); often both fire, so `onLeave`
 * must tolerate repeats. Calls `onRestore` when the back/forward cache shows the
 * page again, a new page life. Unlike Open edX's `window.onunload`, these listeners
 * keep the page eligible for the back/forward cache. Returns a function removing
 * them; does nothing outside a browser.
 */
export function watchPageLife(onLeave: () => void, onRestore: () => void): () => void {
  if (typeof window === 'undefined' || typeof document === 'undefined') return () => undefined;
  const visibility = (): void => {
    if (document.visibilityState === 'hidden') onLeave();
  };
  const show = (event: PageTransitionEvent): void => {
    if (event.persisted) onRestore();
  };
  document.addEventListener('visibilitychange', visibility);
  window.addEventListener('pagehide', onLeave);
  window.addEventListener('pageshow', show);
  return () => {
    document.removeEventListener('visibilitychange', visibility);
    window.removeEventListener('pagehide', onLeave);
    window.removeEventListener('pageshow', show);
  };
}
