/**
 * SIPp scenarios of the phone tests (UAC side: the carrier or the caller's phone). `[service]` is
 * the number dialled (`-s`), `[authentication]` answers a 407 with `-au`/`-ap`.
 */

/** SDP offer: PCMU, and RFC 4733 events on payload type 96 (what SIPp's `play_dtmf` sends). */
const sdp = (extra = '') => `v=0
o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0 96
a=rtpmap:0 PCMU/8000
a=rtpmap:96 telephone-event/8000
a=fmtp:96 0-16
a=sendrecv
${extra}`;

const invite = (from: string, auth: boolean, cseq: number) => `
  <send retrans="500">
    <![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:${from}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: ${cseq} INVITE
      Contact: <sip:${from}@[local_ip]:[local_port]>
      Max-Forwards: 70${auth ? '\n      [authentication]' : ''}
      Content-Type: application/sdp
      Content-Length: [len]

      ${sdp()}
    ]]>
  </send>`;

const ack = (cseq: number) => `
  <send>
    <![CDATA[
      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [last_From:]
      [last_To:]
      Call-ID: [call_id]
      CSeq: ${cseq} ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>`;

/** INVITE, answer a 407 challenge with digest credentials, wait for 200, ACK. */
const dialWithAuth = (from: string) => `
  ${invite(from, false, 1)}
  <recv response="100" optional="true"/>
  <recv response="407" auth="true"/>
  ${ack(1)}
  ${invite(from, true, 2)}
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rtd="true"/>
  ${ack(2)}`;

/**
 * How long the caller's phone waits between accepting the REFER (202) and reporting the result
 * (NOTIFY), ms. A phone or PBX dials the target in between; a NOTIFY 3 ms after the 202 once made
 * livekit-sip fail its REFER transaction ("transaction failed to complete (0 intermediate
 * responses)") although the 202 had arrived.
 */
const NOTIFY_AFTER_ACCEPT_MS = 300;

/**
 * The caller asks for a person by keypad: dial (digest auth), send audio (`audio` µ-law, looped so
 * media never times out), wait `waitMs` through the greeting, press 0 (RFC 4733: the operator key), then expect the
 * agent's REFER whose `Refer-To` matches `referTo` (checked: the call fails otherwise), accept it
 * (202), report the transfer target answered (NOTIFY `SIP/2.0 200 OK`, {@link NOTIFY_AFTER_ACCEPT_MS}
 * later), and get hung up (BYE).
 */
export function transferScenario(opts: { from: string; audio: string; waitMs: number; referTo: RegExp }): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="transfer by keypad">
  ${dialWithAuth(opts.from)}
  <nop><action><exec rtp_stream="${opts.audio},-1,0"/></action></nop>
  <pause milliseconds="${opts.waitMs}"/>
  <nop><action><exec play_dtmf="0"/></action></nop>
  <recv request="REFER" timeout="30000">
    <action>
      <ereg regexp="${opts.referTo.source}" search_in="hdr" header="Refer-To:" check_it="true" assign_to="referto"/>
      <log message="Refer-To matched: [$referto]"/>
    </action>
  </recv>
  <send>
    <![CDATA[
      SIP/2.0 202 Accepted
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:${opts.from}@[local_ip]:[local_port]>
      Content-Length: 0

    ]]>
  </send>
  <pause milliseconds="${NOTIFY_AFTER_ACCEPT_MS}"/>
  <send>
    <![CDATA[
      NOTIFY sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:${opts.from}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 3 NOTIFY
      Contact: <sip:${opts.from}@[local_ip]:[local_port]>
      Max-Forwards: 70
      Event: refer
      Subscription-State: terminated;reason=noresource
      Content-Type: message/sipfrag
      Content-Length: [len]

      SIP/2.0 200 OK
    ]]>
  </send>
  <recv response="200"/>
  <recv request="BYE" timeout="20000"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
  <nop><action><exec rtp_stream="pause"/></action></nop>
  <ResponseTimeRepartition value="10, 20, 30, 40, 50, 100, 150, 200"/>
</scenario>
`;
}

/**
 * A caller who talks and types: dial (digest auth), send `audio` (µ-law, once: its own silences
 * pace the speech; keep RTP flowing — livekit-sip ends a call after 15 s without it), then at each
 * step `atMs` after the answer press its `keys` (RFC 4733) or switch to sending its `audio` file
 * (speech meant for a moment after key presses: a file's later speech did not arrive where its
 * silences put it once keys had been pressed), then hang up (BYE) at `hangupAtMs`. What the agent
 * said is read from the call record.
 */
export function keypadScenario(opts: { from: string; audio: string; steps: ({ atMs: number } & ({ keys: string } | { audio: string }))[]; hangupAtMs: number }): string {
  let t = 0;
  const steps = [...opts.steps].sort((a, b) => a.atMs - b.atMs);
  const body = steps
    .map((step) => {
      const wait = Math.max(0, step.atMs - t);
      t = step.atMs;
      const action = 'keys' in step ? `play_dtmf="${step.keys}"` : `rtp_stream="${step.audio},1,0"`;
      return `  <pause milliseconds="${wait}"/>\n  <nop><action><exec ${action}/></action></nop>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="talk and type">
  ${dialWithAuth(opts.from)}
  <nop><action><exec rtp_stream="${opts.audio},1,0"/></action></nop>
${body}
  <pause milliseconds="${Math.max(0, opts.hangupAtMs - t)}"/>
  <send retrans="500">
    <![CDATA[
      BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [last_From:]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 9 BYE
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
  <nop><action><exec rtp_stream="pause"/></action></nop>
</scenario>
`;
}

/**
 * One INVITE that must be rejected: expects the final status `status` (the scenario fails on any
 * other final answer, 2xx included), then ACKs it. With `auth`, answers the first 407 with the
 * given (wrong) credentials first. `status: null` expects no final answer at all within `silentMs`
 * (any final answer is then unexpected and fails the call; SIPp never sees a 699).
 */
export function rejectScenario(opts: { from: string; status: number | null; auth?: boolean; silentMs?: number; malformed?: boolean }): string {
  const first = opts.malformed ? malformedInvite(opts.from) : invite(opts.from, false, 1);
  const final =
    opts.status === null
      ? `<recv response="180" optional="true"/>
  <recv response="699" timeout="${opts.silentMs ?? 8000}" ontimeout="silent"/>
  <label id="silent"/>`
      : `<recv response="180" optional="true"/>
  <recv response="${opts.status}"/>
  ${ack(opts.auth ? 2 : 1)}`;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="rejected">
  ${first}
  <recv response="100" optional="true"/>
  ${opts.auth ? `<recv response="407" auth="true"/>\n  ${ack(1)}\n  ${invite(opts.from, true, 2)}\n  <recv response="100" optional="true"/>` : ''}
  ${final}
</scenario>
`;
}

/** An INVITE whose From has no tag (RFC 3261 §8.1.1.3 requires one): a malformed request. */
const malformedInvite = (from: string) =>
  invite(from, false, 1).replace(';tag=[pid]SIPpTag00[call_number]', '');

// ---- UAS side: callees that livekit-sip dials through an outbound trunk ----------------------

/** A final response to the INVITE just received (the To tag makes it a dialog-forming reply). */
const reply = (status: string) => `
  <send>
    <![CDATA[
      SIP/2.0 ${status}
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>`;

/** The callee's line is busy: INVITE → 100 → 486 Busy Here → ACK. */
export function busyCalleeScenario(): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="busy callee">
  <recv request="INVITE"/>
  ${reply('100 Trying')}
  ${reply('486 Busy Here')}
  <recv request="ACK"/>
</scenario>
`;
}

/**
 * Nobody picks up: INVITE → 180 Ringing, then the caller gives up: CANCEL → 200, 487 Request
 * Terminated → ACK if one comes within 3 s. livekit-sip v1.8.0 sends none (its INVITE transaction
 * ended with the CANCEL), and SIPp then counts the call as failed (exit 1) although the scenario
 * ran to its end: read what was exchanged (`-trace_msg`) rather than the exit code.
 */
export function ringingCalleeScenario(opts: { waitMs: number }): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="ringing callee">
  <recv request="INVITE"/>
  ${reply('180 Ringing')}
  <recv request="CANCEL" timeout="${opts.waitMs}"/>
  ${reply('200 OK')}
  <send>
    <![CDATA[
      SIP/2.0 487 Request Terminated
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      CSeq: [cseq] INVITE
      Content-Length: 0

    ]]>
  </send>
  <recv request="ACK" timeout="3000" ontimeout="done"/>
  <label id="done"/>
</scenario>
`;
}

/**
 * A callee that must never be called (the test's proof that nothing was dialled): it waits
 * `waitMs` for an INVITE and declines one if it comes (603); `received` then shows it.
 */
export function sentinelCalleeScenario(opts: { waitMs: number }): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="sentinel callee">
  <recv request="INVITE" timeout="${opts.waitMs}" ontimeout="quiet"/>
  ${reply('603 Decline')}
  <recv request="ACK"/>
  <label id="quiet"/>
</scenario>
`;
}
