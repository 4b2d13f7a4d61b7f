// Decap CMS starts itself when its script loads, unless told otherwise:
// cms.js registers Wegweiser's YAML formats first, then starts it.
window.CMS_MANUAL_INIT = true;
