/// The dashboard's static files, compiled into the binary (no CDN, no web font, no build step).
enum DashboardAssets {
    static let files: [String: (contentType: String, body: String)] = [
        "dashboard.css": ("text/css; charset=utf-8", css),
        "dashboard.js": ("text/javascript; charset=utf-8", script),
        "icon.svg": ("image/svg+xml", icon),
    ]

    static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#1f6f50"/>\
        <text x="8" y="11.5" font-size="9" text-anchor="middle" fill="#fff" font-family="sans-serif">fm</text></svg>
        """

    /// Live updates: Server-Sent Events from `/events` carry the re-rendered `<main>` every second; the script
    /// swaps it in (server-escaped HTML; the CSP forbids inline script, so nothing in it can run) and says so
    /// plainly when the guardian stops answering.
    static let script = """
        "use strict";
        (function () {
          var main = document.getElementById("live");
          var status = document.getElementById("connection");
          if (!main || !window.EventSource) { return; }
          var source = new EventSource("/events?page=" + encodeURIComponent(main.dataset.page));
          source.addEventListener("page", function (event) {
            main.innerHTML = event.data;
            document.body.classList.remove("stale");
            status.textContent = "Live: updated " + new Date().toLocaleTimeString() + ".";
          });
          source.onerror = function () {
            document.body.classList.add("stale");
            status.textContent = "The guardian is not answering (stopped, or the session ended): the figures above are " +
              "out of date. Retrying…";
          };
        })();
        """

    static let css = """
        :root { --fg: #1b1f23; --bg: #fbfbf8; --muted: #5c6670; --line: #d5d9dd; --accent: #1f6f50; --bad: #b3261e;
          --good: #1f6f50; font-family: system-ui, sans-serif; color: var(--fg); background: var(--bg); }
        * { box-sizing: border-box; }
        body { margin: 0; line-height: 1.45; }
        .skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px; }
        header { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; padding: .6rem 1rem;
          background: var(--accent); color: #fff; }
        header .brand { margin: 0; font-weight: 700; }
        nav ul { display: flex; flex-wrap: wrap; gap: .25rem .9rem; list-style: none; margin: 0; padding: 0; }
        nav a { color: #fff; } nav a[aria-current=page] { font-weight: 700; text-decoration-thickness: 3px; }
        header form { margin-left: auto; }
        a:focus-visible, button:focus-visible, input:focus-visible, main:focus-visible { outline: 3px solid #f2b400;
          outline-offset: 2px; }
        main { max-width: 70rem; margin: 0 auto; padding: 1rem; }
        h1 { font-size: 1.5rem; margin: .5rem 0 1rem; } h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
        .facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: .5rem 1rem; margin: 0; }
        .facts div { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .7rem; background: #fff; }
        dt { color: var(--muted); font-size: .85rem; } dd { margin: 0; font-size: 1.1rem; overflow-wrap: anywhere; }
        .id { font-family: ui-monospace, monospace; font-size: .9rem; overflow-wrap: anywhere; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        caption { text-align: left; color: var(--muted); padding: .3rem 0; }
        th, td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
        .state.up, .good { color: var(--good); font-weight: 600; } .state.down, .bad { color: var(--bad); font-weight: 700; }
        .alerts { border: 2px solid var(--bad); background: #fdecea; color: var(--bad); padding: .5rem .8rem;
          border-radius: 6px; font-weight: 600; } .alerts p { margin: .2rem 0; }
        .muted, .updated { color: var(--muted); font-size: .85rem; }
        .level.error, .level.critical { color: var(--bad); font-weight: 700; } .message { overflow-wrap: anywhere; }
        figure.chart { margin: .5rem 0; } figure.chart svg { width: 100%; height: 180px; border: 1px solid var(--line);
          background: #fff; }
        svg .line { fill: none; stroke-width: 2; vector-effect: non-scaling-stroke; }
        svg .height, svg .assets { stroke: var(--accent); } svg .liabilities { stroke: #6b4fbb; } svg .net { stroke: #0b63b5; }
        svg .alarm { stroke: var(--bad); stroke-width: 3; } svg .zero { stroke: var(--line); stroke-dasharray: 4 3; }
        svg text { font-size: 11px; fill: var(--muted); }
        figure.chart.negative svg { border: 2px solid var(--bad); background: #fdecea; }
        .legend { display: inline-flex; gap: 1rem; list-style: none; padding: 0 0 0 1rem; margin: 0; }
        .legend li::before { content: "— "; font-weight: 700; } .legend .assets::before, .legend .height::before { color: var(--accent); }
        .legend .liabilities::before { color: #6b4fbb; } .legend .net::before { color: #0b63b5; }
        svg .interval, svg .transactions { stroke: #b35900; } svg .latency, svg .blocks { stroke: #0b63b5; }
        svg .latency { stroke-dasharray: 3 3; }
        .legend .interval::before, .legend .transactions::before { color: #b35900; }
        .legend .latency::before, .legend .blocks::before { color: #0b63b5; }
        body.stale main { opacity: .55; } body.stale #connection { color: var(--bad); font-weight: 700; }
        footer { max-width: 70rem; margin: 0 auto; padding: 0 1rem 1rem; }
        #login { max-width: 24rem; } #login form { display: grid; gap: .5rem; }
        input, button { font: inherit; padding: .45rem .6rem; } button { cursor: pointer; }
        @media (max-width: 40rem) { header form { margin-left: 0; } .facts { grid-template-columns: 1fr; } }
        """
}
