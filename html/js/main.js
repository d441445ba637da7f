// Entry point: the start page, or straight into the room with
// /?room=R&name=N (PROTOCOL 3).
//
// URL parameters: room, name, token (join token when the server requires
// one), lowres=1 (capture 320x240 at 15 fps, for tests and weak machines),
// chat=1 (show the chat panel as soon as its channel opens), debug=1 (log
// the signaling messages to the console).

import { Meeting, joinErrorText } from './meeting.js';
import { getLocalMedia, canShareScreen } from './media.js';
import { StartPage, validRoom, validName } from './ui/startpage.js';
import { Grid } from './ui/grid.js';
import { Notices } from './ui/notice.js';
import { Controls, Header } from './ui/controls.js';
import { Chat } from './ui/chat.js';

const $ = (sel) => document.querySelector(sel);
const url = new URL(location.href);
const params = {
  room: url.searchParams.get('room') || '',
  name: url.searchParams.get('name') || '',
  token: url.searchParams.get('token') || undefined,
  lowres: url.searchParams.get('lowres') === '1',
  chat: url.searchParams.get('chat') === '1',
  debug: url.searchParams.get('debug') === '1',
};

let meeting = null;
let lastJoin = null; // what to rejoin with: {room, name, token, cameraId, micId, cameraOn, micOn}

const roomEl = $('#room');
const notices = new Notices({ toasts: $('#toasts'), banners: $('#banners'), screen: $('#screen') });
const grid = new Grid($('#grid'));
const chat = new Chat({
  panel: $('#chat'), list: $('#chat-list'), form: $('#chat-form'), input: $('#chat-input'),
  toggle: $('#chat-toggle'), badge: $('#chat-unread'),
}, { forced: params.chat });
chat.addEventListener('toggle', () => grid.layout());
const controls = new Controls($('#controls'), {
  mic: () => meeting?.toggleMic(),
  camera: () => meeting?.toggleCamera(),
  screen: () => meeting?.toggleScreen(),
  stats: () => meeting?.toggleStats(),
  leave: () => meeting?.leave(),
});
controls.setScreenAvailable(canShareScreen());
const header = new Header($('#room-header'), {
  onCopyLink: async () => {
    const link = `${location.origin}/?room=${encodeURIComponent(meeting?.params.room || params.room)}`;
    try {
      await navigator.clipboard.writeText(link);
      notices.toast('Invitation link copied');
    } catch {
      notices.toast(`Invitation link: ${link}`);
    }
  },
});

// Browsers refuse sound until the person interacts with the page; offer a button then.
$('#grid').addEventListener('audioblocked', () => {
  notices.banner('sound', {
    text: 'Your browser paused the sound of this meeting.',
    action: {
      label: 'Turn sound on',
      onClick: () => {
        notices.clearBanner('sound');
        grid.forEach((t) => {
          if (t.kind === 'remote') {
            t.video.muted = false;
            t.play();
          }
        });
      },
    },
  });
});

const startPage = new StartPage($('#start'), {
  lowres: params.lowres,
  onJoin: (choice) => enterRoom({ ...choice, token: params.token }),
});

async function enterRoom({ room, name, token, stream, problems, cameraOn = true, micOn = true, cameraId, micId }) {
  lastJoin = { room, name, token, cameraId, micId, cameraOn, micOn };
  startPage.hide();
  notices.hideScreen();
  roomEl.hidden = false;
  header.setRoom(room);
  if (!stream) {
    ({ stream, problems } = await getLocalMedia({ cameraId, micId, lowres: params.lowres }));
  }
  meeting = new Meeting({ grid, controls, notices, chat, header },
    { room, name, token, stream, problems, cameraOn, micOn, lowres: params.lowres, debug: params.debug },
    (next) => afterMeeting(next));
  window.starling.meeting = meeting;
  try {
    await meeting.start();
    const shown = new URL(location.href);
    shown.searchParams.set('room', room);
    history.replaceState(null, '', shown);
  } catch (err) {
    meeting.destroy();
    meeting = null;
    roomEl.hidden = true;
    await startPage.show({ room, name, error: joinErrorText(err) });
  }
}

function afterMeeting(next) {
  meeting = null;
  if (next === 'rejoin' && lastJoin) {
    enterRoom(lastJoin);
  } else {
    roomEl.hidden = true;
    document.title = 'Starling';
    startPage.show({ room: lastJoin?.room, name: lastJoin?.name });
  }
}

// For tests and debugging: the live objects of the current meeting.
window.starling = {
  meeting: null,
  get pc() { return meeting?.peer?.pc || null; },
  get ws() { return meeting?.signaling?.ws || null; },
  get you() { return meeting?.you || null; },
};

window.addEventListener('pagehide', () => meeting?.destroy());

if (params.room && params.name && validRoom(params.room) && validName(params.name)) {
  enterRoom({ room: params.room, name: params.name.trim(), token: params.token });
} else {
  const error = params.room && !validRoom(params.room) ? 'That room name is not valid: use letters, digits, dots, dashes or underscores.' : '';
  startPage.show({ room: validRoom(params.room) ? params.room : '', name: params.name, error });
}
