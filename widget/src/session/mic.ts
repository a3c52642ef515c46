import { type LocalAudioTrack, TrackEvent, createLocalAudioTrack } from 'livekit-client';
import { micError } from '../core/errors.ts';

/** Capture settings: echo cancellation and noise suppression always on (the agent must not hear itself). */
export const MIC_CONSTRAINTS = { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 } as const;

/**
 * Opens the microphone.
 * @throws WidgetError `mic_denied` | `mic_missing` | `mic_failed`.
 */
export async function openMic(): Promise<LocalAudioTrack> {
  try {
    return await createLocalAudioTrack({ ...MIC_CONSTRAINTS });
  } catch (err) {
    throw micError(err);
  }
}

/** What {@link micNeedsRestart} looks at: the live track and the devices the browser lists now. */
export interface MicSnapshot {
  readyState: 'live' | 'ended';
  /** `getSettings().deviceId` of the track (`default` when it follows the system default). */
  deviceId: string | undefined;
  /** The track's label when it was opened. */
  label: string;
}

/**
 * After a `devicechange` (or the track ending), should the microphone be reopened on the default
 * device? Yes when the track ended (unplugged), when its device is no longer listed, or when it
 * follows the system default and the default now names another device (headset plugged in).
 */
export function micNeedsRestart(mic: MicSnapshot, devices: readonly Pick<MediaDeviceInfo, 'kind' | 'deviceId' | 'label'>[]): boolean {
  if (mic.readyState === 'ended') return true;
  const inputs = devices.filter((d) => d.kind === 'audioinput');
  if (!mic.deviceId || inputs.length === 0) return false; // can't tell (no permission to list): leave it
  const current = inputs.find((d) => d.deviceId === mic.deviceId);
  if (!current) return true;
  if (mic.deviceId === 'default' && current.label && mic.label && !current.label.includes(mic.label) && current.label !== mic.label) {
    return true;
  }
  return false;
}

/**
 * Keeps the call's microphone on a working device: on `devicechange` or when the track ends it
 * restarts the track on the default device (LiveKit keeps the same publication). `onRestarted`
 * gets the new MediaStreamTrack so the VAD and the level meter follow it.
 * Returns a function that stops watching.
 */
export function followMicDevice(mic: LocalAudioTrack, onRestarted: (track: MediaStreamTrack) => void): () => void {
  let openedLabel = mic.mediaStreamTrack.label;
  let busy = false;
  const check = async () => {
    if (busy) return;
    busy = true;
    try {
      const t = mic.mediaStreamTrack;
      const devices = await navigator.mediaDevices.enumerateDevices();
      if (micNeedsRestart({ readyState: t.readyState, deviceId: t.getSettings().deviceId, label: openedLabel }, devices)) {
        await mic.restartTrack({ ...MIC_CONSTRAINTS, deviceId: 'default' });
      }
    } catch {
      /* device gone for good: the mic status stays, the call goes on */
    } finally {
      busy = false;
    }
  };
  const onRestart = () => {
    openedLabel = mic.mediaStreamTrack.label;
    mic.mediaStreamTrack.addEventListener('ended', check);
    onRestarted(mic.mediaStreamTrack);
  };
  mic.mediaStreamTrack.addEventListener('ended', check);
  navigator.mediaDevices.addEventListener('devicechange', check);
  mic.on(TrackEvent.Restarted, onRestart);
  return () => {
    navigator.mediaDevices.removeEventListener('devicechange', check);
    mic.off(TrackEvent.Restarted, onRestart);
  };
}
