// The dashboard page's HTML shell. Everything it shows is drawn by the bundled app.js (from
// src/dashboard/web), which loads nothing from the internet.

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>gossip dashboard</title>
  <link rel="stylesheet" href="/app.css">
</head>
<body>
  <header class="top">
    <div class="brand">
      <h1>gossip <span>dashboard</span></h1>
      <div id="network" class="network">connecting…</div>
      <div id="faults" class="faults-banner" hidden></div>
    </div>
    <div id="connection" class="connection connecting" title="the page's live feed from the dashboard">connecting</div>
    <div class="counters">
      <div class="counter"><span class="value" id="c-rate">–</span><span class="label">messages / s</span></div>
      <div class="counter"><span class="value" id="c-relays">–</span><span class="label">relays / message</span></div>
      <div class="counter"><span class="value" id="c-ldh">–</span><span class="label">last-delivery hop</span></div>
      <div class="counter wide"><span class="value" id="c-newest">–</span><span class="label" id="c-newest-label">newest message</span></div>
    </div>
  </header>
  <main class="layout">
    <section class="stage">
      <div id="graph" class="graph" aria-label="network topology"></div>
      <div class="legend" aria-label="legend">
        <div><i class="dot up"></i>node up <i class="dot reached"></i>reached <i class="dot origin"></i>origin</div>
        <div><i class="dot down"></i>down <i class="dot removed"></i>removed <i class="dot connecting"></i>connecting</div>
        <div><i class="line up"></i>link up <i class="line down"></i>link down <i class="line fresh"></i>new link (repair)</div>
        <div><i class="line loss"></i>loss <i class="line delay"></i>delay <i class="line rate"></i>rate cap <i class="line blackhole"></i>down (link faults: hover one) <i class="dot side"></i>side of a partition</div>
        <div><i class="line first"></i>first copy <i class="line redundant"></i>redundant copy <i class="line current"></i>this step</div>
        <div class="hint">numbers under nodes: messages held, or ms after submission during a replay · click a node for details</div>
      </div>
      <aside id="node-panel" class="card floating" hidden></aside>
    </section>
    <section class="side">
      <form id="send" class="card send">
        <h2>Send a message</h2>
        <div class="row">
          <label>to node <select id="send-node" aria-label="node"></select></label>
          <label>relays <input id="send-relays" type="number" min="1" max="16" value="1" aria-label="relays"></label>
        </div>
        <div class="row">
          <input id="send-text" type="text" placeholder="Hello World" maxlength="16384" aria-label="message text" required>
          <button id="send-button" type="submit">Send</button>
        </div>
        <div id="send-status" class="status"></div>
      </form>
      <section id="replay" class="card replay">
        <h2>Replay <span id="replay-title" class="muted">pick a message below, or send one</span></h2>
        <div class="controls">
          <button type="button" id="r-start" title="back to the submission">⇤</button>
          <button type="button" id="r-back" title="one step back">◀ step</button>
          <button type="button" id="r-play" class="play" title="play / pause">▶ play</button>
          <button type="button" id="r-forward" title="one step forward">step ▶</button>
          <button type="button" id="r-end" title="to the end">⇥</button>
          <label class="speed">speed
            <select id="r-speed" aria-label="speed">
              <option value="fit" selected>whole spread in 4 s</option>
              <option value="100">1 ms = 0.1 s</option>
              <option value="250">1 ms = 0.25 s</option>
              <option value="500">1 ms = 0.5 s</option>
              <option value="1000">1 ms = 1 s</option>
              <option value="2000">1 ms = 2 s</option>
              <option value="5000">1 ms = 5 s</option>
            </select>
          </label>
        </div>
        <label class="option"><input type="checkbox" id="r-redundant" checked> draw redundant copies</label>
        <input id="r-position" type="range" min="0" max="1000" value="0" step="1" aria-label="replay position">
        <div id="r-readout" class="readout">no message selected</div>
        <div id="r-step" class="step"></div>
        <h3>Propagation tree <span class="muted">(first copies; × redundant)</span></h3>
        <div id="tree" class="tree"></div>
      </section>
      <section class="card messages">
        <h2>Messages <label class="follow"><input type="checkbox" id="follow" checked> follow new ones</label></h2>
        <form id="find" class="find">
          <input id="find-text" type="text" placeholder="any past message: its id or text" aria-label="message id or text" required>
          <button type="submit">Replay</button>
        </form>
        <ol id="messages" class="message-list"></ol>
      </section>
    </section>
  </main>
  <script src="/app.js"></script>
</body>
</html>
`;
