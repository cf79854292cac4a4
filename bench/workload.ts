/**
 * Workload Q: a page of people with their access graph, the gateway's typical nested read
 * (four levels, four edges batched by DataLoader).
 */
export const WORKLOAD_Q =
  '{ users(first: 100, orderBy: LOGIN) { nodes { login roles { displayName entitlements { displayName targetSystem { name } } } accounts { status targetSystem { name } } } } }';

/**
 * The lower bound: one hand-written SQLite statement that builds the gateway's exact answer to
 * Q as JSON text. Orders match the gateway's loaders (governance.loaders.ts): users by login,
 * a user's roles by displayName, a role's entitlements by displayName, a user's accounts by id
 * (ids break ties, as the gateway's keyset does for users). The JSON is concatenated as text
 * (json_quote for values, ordered group_concat for arrays) and never re-parsed: measured 1.5×
 * faster than nesting json_object / json(…) at every level, so it is the stronger bound.
 * The one parameter is the workspace id.
 */
export const RAW_SQL = `
select '{"data":{"users":{"nodes":[' || coalesce(group_concat(page.node, ',' order by page.login, page.id), '') || ']}}}' as body
from (
  select u.login, u.id,
    '{"login":' || json_quote(u.login) || ',"roles":[' || coalesce((
      select group_concat(
               '{"displayName":' || json_quote(r.display_name) || ',"entitlements":[' || coalesce((
                 select group_concat('{"displayName":' || json_quote(e.display_name) || ',"targetSystem":{"name":' || json_quote(t.name) || '}}',
                                     ',' order by e.display_name, e.id)
                 from role_entitlement re
                 join entitlement e on e.id = re.entitlement_id
                 join target_system t on t.id = e.target_system_id
                 where re.role_id = r.id), '') || ']}',
             ',' order by r.display_name, r.id)
      from role r
      where r.id in (select rm.role_id from role_member rm where rm.user_id = u.id)), '') ||
    '],"accounts":[' || coalesce((
      select group_concat('{"status":' || json_quote(a.status) || ',"targetSystem":{"name":' || json_quote(t.name) || '}}', ',' order by a.id)
      from user_account a
      join target_system t on t.id = a.target_system_id
      where a.user_id = u.id), '') || ']}' as node
  from app_user u
  where u.workspace_id = ?
  order by u.login, u.id
  limit 100
) as page`;
