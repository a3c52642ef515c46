export { launchBrowser, CHROMIUM, type LaunchedBrowser, type LaunchOptions } from './browser.ts';
export { callerWav, RECORDINGS, TESTDATA, type RecordingName, type Segment } from './audio.ts';
