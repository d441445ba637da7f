// Just enough SDP reading for the client: per m-section mid, kind,
// direction and msid. The browser does the real parsing.

export function parseSections(sdp) {
  const sections = [];
  let cur = null;
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) {
      cur = { kind: line.slice(2).split(' ')[0], mid: null, direction: 'sendrecv', msid: null };
      sections.push(cur);
    } else if (cur) {
      if (line.startsWith('a=mid:')) cur.mid = line.slice(6).trim();
      else if (line.startsWith('a=msid:')) {
        const [stream, track] = line.slice(7).trim().split(/\s+/);
        cur.msid = { stream, track };
      } else if (/^a=(sendrecv|sendonly|recvonly|inactive)$/.test(line.trim())) {
        cur.direction = line.trim().slice(2);
      }
    }
  }
  return sections;
}
