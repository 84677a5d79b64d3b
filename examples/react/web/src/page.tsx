import { renderToString } from 'react-dom/server';
import { MarketApp, type MarketClient } from './app.tsx';

/** What the server renders the page with. */
export interface PageOptions {
  /** The streams, from a client that is never subscribed on the server. */
  client: MarketClient;
  symbols: readonly string[];
}

/** The page's HTML: the app rendered on the server (every stream `connecting`), then hydrated by `/app.js`. */
export function renderPage({ client, symbols }: PageOptions): string {
  const app = renderToString(<MarketApp client={client} symbols={symbols} />);
  // `<` escaped so that no symbol can close the script element.
  const props = JSON.stringify({ symbols }).replaceAll('<', '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Market · React</title>
<link rel="stylesheet" href="/app.css">
</head>
<body>
<div id="root">${app}</div>
<script id="market-props" type="application/json">${props}</script>
<script type="module" src="/app.js"></script>
</body>
</html>
`;
}
