import type { ConnectionStore } from '../ConnectionStore';
import type { DatabaseNode } from '../DatabasesTreeProvider';

export async function disconnectDatabase(store: ConnectionStore, node?: DatabaseNode): Promise<void> {
  if (node?.kind === 'connection') await store.remove(node.connection.path);
}
