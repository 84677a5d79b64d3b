/** The mutable counters behind `hub.stats()`. */
export class Counters {
  eventsEmitted = 0;
  framesWritten = 0;
  replaysServed = 0;
  gapsSignalled = 0;
  liveGaps = 0;
  slowConsumerDisconnects = 0;
  contractMismatches = 0;
}
