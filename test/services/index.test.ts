import { createServices, serviceNames } from '../../src/services/index.js';
import type { DeliveryStore } from '../../src/store/delivery-store.js';
import { testDeps } from './service-fixtures.js';

test('serviceNames lists exactly the services createServices builds', () => {
  const registry = createServices(testDeps({} as DeliveryStore));
  expect(Object.keys(registry).sort()).toEqual([...serviceNames].sort());
  expect(serviceNames).toEqual(['notify', 'report-to-county', 'publish']);
});
