/// The script the preview adds to every page it sends (never to the files on disk).
///
/// It opens a WebSocket to `/_folio/live` and, for the notebook whose report the page shows
/// (the index page follows every notebook):
/// - `built`: fetches the page again and swaps in its body, keeping the scroll position, so
///   the page follows the notebook without a reload;
/// - `failed`: shows every diagnostic, with its source line and a caret, over the last good
///   report, until a build succeeds;
/// - `progress`: shows a banner with the run, the epoch and the time left.
/// It reconnects when the preview restarts. `data-folio-updated` on `<html>` holds the time
/// (milliseconds since 1970) of the last swap, which the browser test reads.
enum LiveScript {
    static let path = "/_folio/live.js"
    static let socketPath = "/_folio/live"

    /// The tag added before `</body>`.
    static let tag = "<script src=\"\(path)\"></script>"

    /// `html` with the script tag before its last `</body>` (or at its end).
    static func inject(into html: String) -> String {
        guard let end = html.range(of: "</body>", options: .backwards) else { return html + tag }
        return html.replacingCharacters(in: end.lowerBound..<end.lowerBound, with: tag)
    }

    static let source = #"""
    (() => {
      "use strict";
      const file = decodeURIComponent(location.pathname.split("/").pop() || "index.html");
      const page = file.replace(/\.html$/, "");
      const followsAll = page === "index";
      const mine = (event) => followsAll || event.notebook === page;
      const box = (id, css) => {
        const element = document.createElement("div");
        element.id = id;
        element.setAttribute("style", css);
        element.hidden = true;
        document.documentElement.appendChild(element);
        return element;
      };
      const font = "font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;";
      const banner = box("folio-progress", "position:fixed;top:0;left:0;right:0;z-index:2147483646;" + font +
        "background:#0b3d91;color:#fff;padding:.45rem 1rem;box-shadow:0 1px 4px rgba(0,0,0,.3)");
      const overlay = box("folio-errors", "position:fixed;inset:0;z-index:2147483647;overflow:auto;" + font +
        "background:rgba(255,255,255,.94);color:#1b1b1b;padding:1.5rem 2rem");
      let fetching = Promise.resolve();

      function refresh() {
        fetching = fetching.then(async () => {
          const response = await fetch(location.pathname, { cache: "no-store" });
          if (!response.ok) return;
          const next = new DOMParser().parseFromString(await response.text(), "text/html");
          const x = window.scrollX, y = window.scrollY;
          document.title = next.title;
          const style = document.head.querySelector("style"), nextStyle = next.head.querySelector("style");
          if (style && nextStyle && style.textContent !== nextStyle.textContent) style.textContent = nextStyle.textContent;
          document.body.replaceWith(document.adoptNode(next.body));
          window.scrollTo(x, y);
          document.documentElement.dataset.folioUpdated = String(Date.now());
        }).catch(() => {});
      }

      function showProblems(event) {
        overlay.replaceChildren();
        const heading = document.createElement("h2");
        heading.setAttribute("style", "margin:0 0 .3rem;font-size:1.25rem;color:#b00020");
        const count = event.problems.length;
        heading.textContent = `${event.notebook}.md: ${count} error${count === 1 ? "" : "s"}`;
        const note = document.createElement("p");
        note.setAttribute("style", "margin:0 0 1rem");
        note.textContent = "Not built: the report below is the last good one. Save the notebook again to retry.";
        overlay.append(heading, note);
        for (const problem of event.problems) {
          const pre = document.createElement("pre");
          pre.className = "folio-problem";
          pre.setAttribute("style", "margin:0 0 .8rem;padding:.6rem .8rem;background:#fdf0f2;border-left:4px solid #b00020;" +
            "white-space:pre-wrap;font:13px/1.45 ui-monospace,Menlo,Consolas,monospace");
          pre.textContent = problem.text + (problem.excerpt ? "\n" + problem.excerpt : "");
          overlay.append(pre);
        }
        overlay.hidden = false;
      }

      function showProgress(event) {
        const p = event.progress;
        let text = `Training run ${p.run} of ${p.runs}: ${p.name}, epoch ${p.epoch} of ${p.epochs}`;
        if (p.secondsLeft != null) {
          const s = Math.max(1, Math.round(p.secondsLeft));
          text += s < 90 ? `, about ${s} s left` : `, about ${Math.round(s / 60)} min left`;
        }
        banner.textContent = text + ". The report below is the last one built.";
        banner.hidden = false;
      }

      function connect() {
        const socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/_folio/live");
        socket.onopen = () => refresh();
        socket.onmessage = (message) => {
          const event = JSON.parse(message.data);
          if (!mine(event)) return;
          if (event.type === "progress") showProgress(event);
          else if (event.type === "failed") { banner.hidden = true; showProblems(event); }
          else if (event.type === "built") { banner.hidden = true; overlay.hidden = true; refresh(); }
        };
        socket.onclose = () => setTimeout(connect, 1000);
      }
      connect();
    })();
    """#
}
