import { finishSecretScan } from './secret-scan';

// After the integration run: no service log of this run may hold a credential a test configured.
export default function globalTeardown(): void {
  finishSecretScan();
}
