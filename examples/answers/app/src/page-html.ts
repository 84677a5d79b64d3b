/** The page: a question box and the answer as it streams in; `/app.js` does the rest. */
export function renderPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Answers · Tidings</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 3rem auto; padding: 0 1rem; color: #1f2328; }
  form { display: flex; gap: .5rem; }
  input { flex: 1; font: inherit; padding: .4rem .6rem; }
  button { font: inherit; padding: .4rem 1rem; }
  #answer { white-space: pre-wrap; min-height: 6rem; padding: 1rem; background: #f6f8fa; border-radius: 6px; }
  #status { color: #59636e; font-size: .875rem; }
  #answer[data-state="done"] + #status { color: #1a7f37; }
  #answer[data-state="failed"] + #status { color: #d1242f; }
</style>
</head>
<body>
<h1>Ask the (simulated) model</h1>
<form id="ask"><input id="question" name="q" maxlength="500" placeholder="Ask anything" autocomplete="off" required><button>Ask</button></form>
<p id="answer" data-state="idle" data-tokens="0" aria-live="polite"></p>
<p id="status">Reload the page mid-answer: it picks up where it was.</p>
<script type="module" src="/app.js"></script>
</body>
</html>
`;
}
