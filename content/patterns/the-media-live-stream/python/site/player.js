// @ts-check
// The player: native HLS in a <video> element, no library, so nothing is loaded from another origin.
// The pure functions are exported so the tests can run them without a browser.

/** @typedef {{ manifestPath: string }} PlayerConfig */
/** @typedef {'live' | 'waiting' | 'failed'} StreamState */

/**
 * Checks config.json, which the stack writes at deploy time.
 * @param {unknown} value
 * @returns {PlayerConfig}
 */
export function parseConfig(value) {
  const path = value && typeof value === 'object' && 'manifestPath' in value ? value.manifestPath : undefined;
  // MediaPackage v1 endpoints live under /out/v1/<endpoint hash>/<manifest>.m3u8, which CloudFront routes to it.
  if (typeof path !== 'string' || !/^\/out\/v1\/[A-Za-z0-9]+\/[A-Za-z0-9_-]+\.m3u8$/.test(path)) {
    throw new Error('config.json does not hold a MediaPackage manifest path');
  }
  return { manifestPath: path };
}

/**
 * What HTMLMediaElement.canPlayType says about HLS, as a yes or no.
 * @param {string} answer
 */
export function canPlayHlsNatively(answer) {
  return answer === 'probably' || answer === 'maybe';
}

/**
 * Reads the HTTP status of the manifest: before the channel runs, MediaPackage has nothing to serve.
 * @param {number} status
 * @returns {StreamState}
 */
export function streamState(status) {
  if (status >= 200 && status < 300) return 'live';
  if (status === 404 || status === 403) return 'waiting';
  return 'failed';
}

/**
 * Waits longer after each empty check, up to half a minute, so an idle page costs few requests.
 * @param {number} attempt 0 for the first retry
 */
export function retryDelayMs(attempt) {
  return Math.min(30_000, 2_000 * 2 ** Math.max(0, attempt));
}

/**
 * @param {StreamState} state
 * @param {boolean} nativeHls
 */
export function statusMessage(state, nativeHls) {
  if (state === 'waiting') return 'No stream yet. Start the MediaLive channel and your encoder; this page checks again by itself.';
  if (state === 'failed') return 'The stream address answered with an error. Check the channel state and its logs.';
  return nativeHls
    ? 'Live.'
    : 'The stream is live, but this browser cannot play HLS by itself. Open the stream address in VLC or Safari.';
}

async function start() {
  const video = /** @type {HTMLVideoElement} */ (document.getElementById('player'));
  const status = /** @type {HTMLElement} */ (document.getElementById('status'));
  const address = /** @type {HTMLElement} */ (document.getElementById('manifest-url'));

  const config = parseConfig(await (await fetch('/config.json', { cache: 'no-store' })).json());
  const manifestUrl = new URL(config.manifestPath, window.location.origin).toString();
  address.textContent = manifestUrl;
  const nativeHls = canPlayHlsNatively(video.canPlayType('application/vnd.apple.mpegurl'));

  /** @param {number} attempt */
  async function check(attempt) {
    const state = streamState((await fetch(manifestUrl, { method: 'HEAD', cache: 'no-store' })).status);
    status.textContent = statusMessage(state, nativeHls);
    if (state === 'waiting') {
      setTimeout(() => void check(attempt + 1), retryDelayMs(attempt));
    } else if (state === 'live' && nativeHls) {
      video.src = manifestUrl;
      // Muted autoplay is allowed by browsers; the viewer can unmute with the controls.
      void video.play().catch(() => undefined);
    }
  }
  await check(0);
}

if (typeof document !== 'undefined') {
  start().catch((error) => {
    const status = document.getElementById('status');
    if (status) status.textContent = `The player could not start: ${error instanceof Error ? error.message : String(error)}`;
  });
}
