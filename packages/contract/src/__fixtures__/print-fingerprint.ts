// Run as a child process by fingerprint.test.ts: prints the sample contract's fingerprint.
import { fingerprint } from '../index.ts';
import { buildSampleContract } from './sample-contract.ts';

process.stdout.write(fingerprint(buildSampleContract()));
