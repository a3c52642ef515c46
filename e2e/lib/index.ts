export { launchBrowser, CHROMIUM, type LaunchedBrowser, type LaunchOptions } from './browser.ts';
export { callerWav, noiseBurstWav, speechOnsetMs, RECORDINGS, TESTDATA, type RecordingName, type Segment } from './audio.ts';
export { instrument, playIntoMic, serveHostPages, settleCall, startCall, widgetEvents, type RecordedEvent } from './widget-page.ts';
