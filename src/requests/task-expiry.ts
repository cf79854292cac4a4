import type { Task } from './task.entity.js';

export const TASK_EXPIRE = 'task.expire';

/** The job that expires a task at its expiry date (one per task: the singleton key is the task's). */
export function taskExpiryJob(task: Pick<Task, 'id' | 'expiryDate' | 'workspace'>) {
  return { type: TASK_EXPIRE, workspaceId: task.workspace.id, payload: { taskId: task.id }, runAt: task.expiryDate, singletonKey: `${TASK_EXPIRE}:${task.id}` };
}
