/** A real moto server for the enclosing `describe` block: started before its tests, stopped after them. */
import { MotoServer, startMotoServer } from '../../../harness/local-aws/moto-server';

export function motoServerForBlock(): { readonly endpoint: string } {
  let moto: MotoServer | undefined;
  beforeAll(async () => {
    moto = await startMotoServer();
  });
  afterAll(async () => {
    await moto?.stop();
  });
  return {
    get endpoint(): string {
      if (!moto) throw new Error('The moto server of this block is not running: use it inside a test, after beforeAll.');
      return moto.endpoint;
    },
  };
}
