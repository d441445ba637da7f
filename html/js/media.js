// Local media: camera and microphone capture, device lists, screen capture.

/** Video constraints; `lowres` (URL parameter) asks 320x240 at 15 fps. */
function videoConstraints(deviceId, lowres) {
  const c = lowres
    ? { width: { ideal: 320 }, height: { ideal: 240 }, frameRate: { ideal: 15 } }
    : { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
  if (deviceId) c.deviceId = { exact: deviceId };
  return c;
}

function audioConstraints(deviceId) {
  const c = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
  if (deviceId) c.deviceId = { exact: deviceId };
  return c;
}

/** Words for a getUserMedia failure, meant for the person. */
export function describeMediaError(err, what) {
  switch (err && err.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return `Access to your ${what} was denied.`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No ${what} was found.`;
    case 'NotReadableError':
    case 'AbortError':
      return `Your ${what} is in use by another application or could not be started.`;
    default:
      return `Your ${what} could not be used.`;
  }
}

/**
 * Gets what it can: camera and microphone, else each alone, else nothing.
 * Resolves {stream, problems: [text]} and never rejects; an empty stream
 * means the person joins receive-only.
 */
export async function getLocalMedia({ cameraId, micId, lowres, wantCamera = true, wantMic = true }) {
  const stream = new MediaStream();
  const problems = [];
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    problems.push('This browser cannot capture a camera or microphone here (a secure https page is needed).');
    return { stream, problems };
  }
  const video = wantCamera ? videoConstraints(cameraId, lowres) : false;
  const audio = wantMic ? audioConstraints(micId) : false;
  if (!video && !audio) return { stream, problems };
  try {
    const s = await navigator.mediaDevices.getUserMedia({ video, audio });
    s.getTracks().forEach((t) => stream.addTrack(t));
    return { stream, problems };
  } catch (err) {
    if (!(video && audio)) {
      problems.push(describeMediaError(err, video ? 'camera' : 'microphone'));
      return { stream, problems };
    }
  }
  // Both together failed: try each alone, to tell which one is the problem.
  for (const [kind, constraints] of [['microphone', { audio }], ['camera', { video }]]) {
    try {
      const s = await navigator.mediaDevices.getUserMedia(constraints);
      s.getTracks().forEach((t) => stream.addTrack(t));
    } catch (err) {
      problems.push(describeMediaError(err, kind));
    }
  }
  return { stream, problems };
}

/** {cameras, mics} with labels (labels are empty until permission is given). */
export async function listDevices() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return { cameras: [], mics: [] };
  const devices = await navigator.mediaDevices.enumerateDevices();
  const named = (list, word) => list.map((d, i) => ({ id: d.deviceId, label: d.label || `${word} ${i + 1}` }));
  return {
    cameras: named(devices.filter((d) => d.kind === 'videoinput'), 'Camera'),
    mics: named(devices.filter((d) => d.kind === 'audioinput'), 'Microphone'),
  };
}

export function canShareScreen() {
  return Boolean(navigator.mediaDevices && navigator.mediaDevices.getDisplayMedia);
}

/** Screen capture; rejects with the browser's error (NotAllowedError when the person cancels). */
export async function getScreen({ lowres }) {
  const video = lowres
    ? { width: { max: 640 }, height: { max: 360 }, frameRate: { max: 10 } }
    : { frameRate: { max: 15 } };
  const stream = await navigator.mediaDevices.getDisplayMedia({ video, audio: false });
  const track = stream.getVideoTracks()[0];
  if (track && 'contentHint' in track) track.contentHint = 'detail';
  return stream;
}

export function stopStream(stream) {
  if (stream) stream.getTracks().forEach((t) => t.stop());
}
