import { formatTime } from './format.ts';
import type { MarketShape } from './market.generated.ts';

type Notice = MarketShape['announcements']['events']['notice'];

/** Shows a dismissible banner when a stream reports a gap: events were missed and could not be replayed. */
export function createGapNotice(element: HTMLElement): {
  show(stream: string, lastEventId: string, oldest: string | undefined): void;
} {
  const text = element.querySelector<HTMLElement>('.text') ?? element;
  const streams = new Set<string>();
  element.querySelector('button')?.addEventListener('click', () => {
    element.hidden = true;
    streams.clear();
  });
  let count = 0;
  return {
    show(stream, lastEventId, oldest) {
      count++;
      element.dataset['gaps'] = String(count);
      streams.add(stream);
      const names = [...streams];
      if (names.length === 1) {
        const kept = oldest ? ` (its history now starts at ${oldest})` : '';
        text.textContent = `Missed events on ${stream}: the server could not replay everything after ${lastEventId}${kept}. Live data resumed; older values may be incomplete.`;
      } else {
        const list = `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
        text.textContent = `Missed events on ${list}: the server could not replay everything after their last event ids. Live data resumed; older values may be incomplete.`;
      }
      element.hidden = false;
    },
  };
}

/** Renders market announcements, newest first, keeping the last `max`. */
export function createAnnouncements(list: HTMLOListElement, max = 30): { add(notice: Notice): void } {
  return {
    add(notice) {
      const item = document.createElement('li');
      item.className = `notice severity-${notice.severity}`;
      const time = document.createElement('time');
      time.dateTime = notice.at;
      time.textContent = formatTime(notice.at);
      const text = document.createElement('span');
      text.className = 'notice-text';
      text.textContent = notice.text;
      item.append(time, text);
      for (const symbol of notice.symbols) {
        const chip = document.createElement('span');
        chip.className = 'chip';
        chip.textContent = symbol;
        item.append(chip);
      }
      list.prepend(item);
      while (list.children.length > max) list.lastElementChild?.remove();
      list.closest('section')?.classList.remove('is-empty');
    },
  };
}
