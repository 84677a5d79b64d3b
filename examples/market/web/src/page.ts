/** What the page shows before the script runs. */
export interface PageOptions {
  /** Symbols the server simulates, offered as suggestions in the "add symbol" field. */
  symbols: readonly string[];
  /**
   * The page title.
   * @default 'Tidings · Market'
   */
  title?: string | undefined;
  /**
   * Where the script and stylesheet are served.
   * @default { script: '/app.js', styles: '/app.css' }
   */
  assets?: { script: string; styles: string } | undefined;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Renders the market page's HTML; the bundled script fills it with live data. */
export function renderPage(options: PageOptions): string {
  const title = escapeHtml(options.title ?? 'Tidings · Market');
  const assets = options.assets ?? { script: '/app.js', styles: '/app.css' };
  const suggestions = options.symbols.map((s) => `<option value="${escapeHtml(s)}"></option>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="dark light">
<title>${title}</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Cpath d='M8 1l7 7-7 7-7-7z' fill='%2338bdf8'/%3E%3C/svg%3E">
<link rel="stylesheet" href="${escapeHtml(assets.styles)}">
</head>
<body>
<header class="topbar">
  <div class="brand"><span class="logo" aria-hidden="true"></span>Tidings <span class="brand-sub">Market</span></div>
  <div class="status" data-testid="connection-status" data-status="connecting" role="status" aria-live="polite">
    <span class="dot" aria-hidden="true"></span><span class="label">Connecting…</span>
  </div>
</header>
<div class="gap-notice" data-testid="gap-notice" role="alert" hidden>
  <span class="gap-icon" aria-hidden="true">!</span><span class="text"></span>
  <button type="button" class="ghost">Dismiss</button>
</div>
<main class="layout">
  <section class="card watchlist">
    <div class="card-head">
      <h2>Watchlist</h2>
      <form id="add-symbol" autocomplete="off">
        <input id="symbol-input" name="symbol" list="known-symbols" placeholder="Add symbol" maxlength="5" aria-label="Symbol to add">
        <datalist id="known-symbols">${suggestions}</datalist>
        <button type="submit">Add</button>
      </form>
    </div>
    <div class="table-wrap">
    <table class="quotes">
      <thead><tr><th>Symbol</th><th>Trend</th><th class="num">Last</th><th class="num">Change</th><th class="num">Bid × Ask</th><th class="num">Volume</th><th><span class="visually-hidden">Remove</span></th></tr></thead>
      <tbody id="quotes-body"></tbody>
    </table>
    </div>
    <p class="hint" id="watchlist-hint"></p>
  </section>
  <section class="card chart-card">
    <div class="card-head"><h2 id="chart-title">—</h2><span class="meta" id="chart-meta"></span></div>
    <canvas id="price-chart" aria-label="Live price chart"></canvas>
    <h3>Time &amp; sales</h3>
    <ol class="tape" id="tape"></ol>
  </section>
  <section class="card news is-empty">
    <div class="card-head"><h2>Announcements</h2></div>
    <ol class="notices" id="notices"></ol>
    <p class="empty">Market-wide news and halts appear here as they happen.</p>
  </section>
</main>
<footer class="footer">
  <span><strong id="event-count">0</strong> typed events received</span>
  <span>Contract <code id="fingerprint"></code></span>
  <span>Typed Server-Sent Events by Tidings</span>
</footer>
<script type="module" src="${escapeHtml(assets.script)}"></script>
</body>
</html>
`;
}
