/**
 * Several nodes started together on one empty store each try to create the admin and demo
 * accounts; only one may, or the passwords printed by the others would not work.
 */
import { useTestDatabase } from '../support/test-database.js';
import { openStores } from '../../src/store/index.js';
import { UserAdmin } from '../../src/auth/user-admin.js';
import { verifyPassword } from '../../src/auth/passwords.js';
import { systemClock } from '../../src/engine/clock.js';

const db = useTestDatabase('bootstrap');

test('three nodes bootstrapping one empty store at once: one creates the accounts, and its passwords work', async () => {
  const admins = await Promise.all(
    [1, 2, 3].map(async () => new UserAdmin({ ...(await openStores(db.connection)), clock: systemClock })),
  );
  const results = await Promise.all(admins.map((admin) => admin.bootstrap()));
  const printed = results.filter((created) => created.length > 0);
  expect(printed).toHaveLength(1);
  const stores = await openStores(db.connection);
  for (const account of printed[0]!) {
    const hash = await stores.credentials.hashOf(account.id);
    expect([account.id, await verifyPassword(hash!, account.password)]).toEqual([account.id, true]);
  }
  expect(await admins[0]!.bootstrap()).toEqual([]);
});

test('creating a user that exists is a conflict and keeps the first password', async () => {
  const admin = new UserAdmin({ ...(await openStores(db.connection)), clock: systemClock });
  const first = await admin.create({ id: 'li.ming', displayName: '李明', roles: ['office'] });
  await expect(admin.create({ id: 'li.ming', displayName: '李明', roles: ['office'] })).rejects.toMatchObject(
    {
      kind: 'conflict',
    },
  );
  const hash = await (await openStores(db.connection)).credentials.hashOf('li.ming');
  expect(await verifyPassword(hash!, first.password)).toBe(true);
});
