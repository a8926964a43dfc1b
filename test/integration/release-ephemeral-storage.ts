// Jest gives each test file its own `process` object, whose 'exit' listeners never run: release the
// spare /tmp filesystems the emulator keeps ready (loop mounts) after each file.
import { releaseSpareEphemeralStorage } from '../../harness/emulator/ephemeral-storage';

afterAll(() => releaseSpareEphemeralStorage());
