// launch starts Debian's Chromium (or $CHROMIUM) headless for the browser
// tests, with what the tests do not need switched off.
//
// Chromium's new headless mode is the whole browser: every window opens
// the omnibox's WebUI popups (chrome://omnibox-popup.top-chrome/), a
// renderer each, rendered again on every navigation. Switching them off
// saves about a quarter of Chromium's CPU time per page load and 0.7 s per
// browser context on a 2-core machine (measured with 25 page loads in one
// context and with 5 contexts). Chromium reads only the last
// --disable-features switch, so the list Playwright passes (playwright-core
// 1.65's, in its chromiumSwitches) is repeated here with ours added.
import { chromium } from "playwright-core";

const playwrightDisabled = ["AimEnabled", "AvoidCorsURLLoaderRestartOnRedirect", "AvoidUnnecessaryBeforeUnloadCheckSync",
  "DestroyProfileOnBrowserClose", "HttpsFirstBalancedModeAutoEnable", "HttpsUpgrades", "LensOverlay", "MediaRouter",
  "NetworkTimeServiceQuerying", "OptimizationHints", "PaintHolding", "PreconnectToSearch", "ThirdPartyStoragePartitioning",
  "TcpPortRandomizationWin", "msForceBrowserSignIn", "msEdgeUpdateLaunchServicesPreferredVersion"];
const ours = ["WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "WebUIOmniboxFullPopup"];

// launch returns a started browser; extra are further command-line switches.
export function launch(extra = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-features=" + [...playwrightDisabled, ...ours].join(","), ...extra],
  });
}
