import { useTestDatabase } from '../support/test-database.js';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.js';
import { startHttpPeer, type HttpPeer } from '../support/http-peer.js';
import { DeliveryStore } from '../../src/store/delivery-store.js';

export interface ServicePeers {
  smtp: SmtpPeer;
  http: HttpPeer;
  deliveries: DeliveryStore;
}

/**
 * A real SMTP server and HTTP peer on loopback for a service test file, emptied before each
 * test, and the delivery log on the file's own test database.
 */
export function useServicePeers(label: string): ServicePeers {
  const db = useTestDatabase(label);
  const peers = {} as ServicePeers;
  beforeAll(async () => {
    peers.smtp = await startSmtpPeer();
    peers.http = await startHttpPeer();
    peers.deliveries = new DeliveryStore(db.connection);
    await peers.deliveries.init();
  });
  afterAll(async () => {
    await peers.smtp.close();
    await peers.http.close();
  });
  beforeEach(() => {
    peers.smtp.messages.splice(0);
    peers.http.requests.splice(0);
  });
  return peers;
}
