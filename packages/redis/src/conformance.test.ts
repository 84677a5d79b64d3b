import { randomUUID } from 'node:crypto';
import { describeBroker } from '@tidings/server/testing';
import { describe } from 'vitest';
import { redisBroker } from './redis-broker.ts';
import { DEPLOYMENTS, useDeployment } from './test-support/deployments.ts';

describe.each(DEPLOYMENTS)('on a %s', (kind) => {
  const redis = useDeployment(kind);
  describeBroker('redisBroker', async () => {
    const broker = redisBroker({ ...redis.current.connection(), keyPrefix: `test-${randomUUID()}:` });
    return { broker, [Symbol.asyncDispose]: () => broker.close() };
  });
});
