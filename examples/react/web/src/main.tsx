// The browser entry: hydrates the server-rendered page on the generated client.
import { StrictMode } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { MarketApp } from './app.tsx';
import { createMarketClient } from './market.generated.ts';

const { symbols } = JSON.parse(document.getElementById('market-props')?.textContent ?? '{}') as {
  symbols: string[];
};
const client = createMarketClient({ baseUrl: '/streams' });

hydrateRoot(
  document.getElementById('root')!,
  <StrictMode>
    <MarketApp client={client} symbols={symbols} />
  </StrictMode>,
);
