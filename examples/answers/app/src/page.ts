// The page's script: asks a question, shows the answer as it streams, and survives a reload
// mid-answer by subscribing again with the id of the last token it has (kept in sessionStorage).
import { createAnswersClient } from './answers.generated.ts';

/** What the page remembers of the current answer across reloads. */
interface Progress {
  /** The answer's id: the stream's path param, so a reload asks for the same answer. */
  readonly id: string;
  readonly question: string;
  text: string;
  tokens: number;
  /** The id of the last token received: the resume point. */
  lastEventId: string | undefined;
  done: boolean;
}

type State = 'idle' | 'connecting' | 'streaming' | 'reconnecting' | 'done' | 'failed';

const STORAGE_KEY = 'tidings-answers:current';
const client = createAnswersClient({ baseUrl: '/streams' });

const form = element<HTMLFormElement>('#ask');
const input = element<HTMLInputElement>('#question');
const answer = element<HTMLParagraphElement>('#answer');
const status = element<HTMLParagraphElement>('#status');
let current: { close(): void } | undefined;

function element<T extends Element>(selector: string): T {
  const found = document.querySelector<T>(selector);
  if (!found) throw new Error(`answers page: no ${selector}`);
  return found;
}

function load(): Progress | undefined {
  try {
    const saved: unknown = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? 'null');
    if (typeof saved !== 'object' || saved === null) return undefined;
    const p = saved as Partial<Progress>;
    if (typeof p.id !== 'string' || typeof p.question !== 'string' || typeof p.text !== 'string')
      return undefined;
    return {
      id: p.id,
      question: p.question,
      text: p.text,
      tokens: typeof p.tokens === 'number' ? p.tokens : 0,
      lastEventId: typeof p.lastEventId === 'string' ? p.lastEventId : undefined,
      done: p.done === true,
    };
  } catch {
    return undefined;
  }
}

function save(progress: Progress): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(progress));
}

const NOTES: Record<State, string> = {
  idle: 'Reload the page mid-answer: it picks up where it was.',
  connecting: 'Asking…',
  streaming: 'Answering… (reload the page: it picks up where it was)',
  reconnecting: 'Connection lost: reconnecting, and resuming after the last token…',
  done: 'End of the answer.',
  failed: 'The answer failed.',
};

function render(progress: Progress, state: State, note = NOTES[state]): void {
  answer.textContent = progress.text;
  answer.dataset['tokens'] = String(progress.tokens);
  answer.dataset['state'] = state;
  status.textContent = note;
}

/** Subscribes to the answer, after `progress.lastEventId` when the page has part of it already. */
function stream(progress: Progress): void {
  current?.close();
  render(
    progress,
    'connecting',
    progress.tokens > 0 ? `Resuming after token ${progress.tokens}…` : undefined,
  );
  const sub = client.answer.subscribe(
    { id: progress.id },
    { query: { q: progress.question }, lastEventId: progress.lastEventId },
  );
  current = sub;
  sub.addEventListener('open', () => render(progress, 'streaming'));
  sub.addEventListener('token', (e) => {
    progress.text += e.data.text;
    progress.tokens = e.data.index + 1;
    progress.lastEventId = e.id;
    save(progress);
    render(progress, 'streaming');
  });
  sub.addEventListener('done', (e) => {
    progress.done = true;
    save(progress);
    render(progress, 'done', `End of the answer: ${e.data.tokens} tokens.`);
  });
  sub.addEventListener('error', (e) => {
    if (!e.fatal) render(progress, 'reconnecting');
  });
  // The server ends the stream after `done`: the subscription closes instead of reconnecting.
  sub.addEventListener('close', (e) => {
    if (e.error) render(progress, 'failed', `The answer failed: ${e.error.message}`);
  });
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const question = input.value.trim();
  if (question === '') return;
  const progress: Progress = {
    id: crypto.randomUUID(),
    question,
    text: '',
    tokens: 0,
    lastEventId: undefined,
    done: false,
  };
  save(progress);
  stream(progress);
});

const saved = load();
if (saved) {
  input.value = saved.question;
  if (saved.done) render(saved, 'done');
  else stream(saved);
}
