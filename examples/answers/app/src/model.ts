/**
 * A stand-in for a language model: a deterministic answer to any question, as tokens (a word and
 * the space after it). The same question always gets the same tokens, so a run resumed after
 * token `n` can start at `n + 1` and the client sees every token once.
 */
export function answerTokens(question: string): readonly string[] {
  const subject = question.replace(/[?!.\s]+$/, '').trim();
  const words = [
    ...`You asked: "${subject}".`.split(' '),
    ...OPENINGS[hash(subject) % OPENINGS.length]!.split(' '),
    ...BODY.split(' '),
  ];
  return words.map((word, i) => (i === words.length - 1 ? word : `${word} `));
}

/** Where a run starts, given the `Last-Event-ID` the client sent: after the last token it has, or at the end once it has them all. */
export function resumeIndex(lastEventId: string | undefined, tokens: number): number {
  if (lastEventId === undefined) return 0;
  if (!/^\d{1,6}$/.test(lastEventId)) return tokens;
  return Math.min(Number(lastEventId) + 1, tokens);
}

const OPENINGS = [
  'Here is a short answer, streamed one token at a time.',
  'Good question; the answer arrives word by word.',
  'Let me think out loud, one token at a time.',
];

const BODY =
  'Each token is an event with its index as its id. If the connection drops, or you reload the page, ' +
  'the browser asks again with the id of the last token it has, and the handler resumes right after ' +
  'it: nothing is lost and nothing arrives twice. When the answer is complete the handler returns, ' +
  'the server ends the stream with a final frame, and the client closes instead of reconnecting.';

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}
