import { describe, expectTypeOf, test } from 'vitest';
import { createMarketClient } from '../test/fixtures/market-client.ts';
import {
  TidingsContractMismatchError,
  type TidingsError,
  type TidingsErrorCode,
  TidingsHttpError,
} from './index.ts';

describe('the contract mismatch error', () => {
  test('CONTRACT_MISMATCH is a stable error code, and the error is a TidingsHttpError with that code', () => {
    expectTypeOf<'CONTRACT_MISMATCH'>().toExtend<TidingsErrorCode>();
    expectTypeOf<TidingsContractMismatchError>().toExtend<TidingsHttpError>();
    expectTypeOf<TidingsContractMismatchError['code']>().toEqualTypeOf<'CONTRACT_MISMATCH'>();
    expectTypeOf<TidingsContractMismatchError['serverFingerprint']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<TidingsContractMismatchError['clientFingerprint']>().toEqualTypeOf<string>();
    // @ts-expect-error a code that is not in the union
    const wrong: TidingsErrorCode = 'CONTRACT_MISMATCHED';
    expectTypeOf(wrong).toEqualTypeOf<TidingsErrorCode>();
  });

  test('an error listener turns the code into "please reload" without a cast', () => {
    const client = createMarketClient({ baseUrl: 'http://127.0.0.1:1/streams' });
    client.announcements.subscribe().addEventListener('error', (event) => {
      expectTypeOf(event.error).toEqualTypeOf<TidingsError>();
      if (event.error.code === 'CONTRACT_MISMATCH')
        expectTypeOf(event.error.code).toEqualTypeOf<'CONTRACT_MISMATCH'>();
      if (event.error instanceof TidingsContractMismatchError) {
        expectTypeOf(event.error.status).toEqualTypeOf<number>();
      }
      expectTypeOf(event.error instanceof TidingsHttpError).toEqualTypeOf<boolean>();
    });
    client.close();
  });
});
