export { type AnswersAssets, bundleAnswersPage } from './bundle.ts';
export { type Answers, answers } from './contract.ts';
export { answerTokens, resumeIndex } from './model.ts';
export {
  type AnswersExampleOptions,
  type AnswersExampleServer,
  createAnswersHub,
  type Pace,
  startAnswersExample,
} from './server.ts';
