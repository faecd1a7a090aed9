// The Albatross dashboard: polls GET /_albatross/state every second (If-None-Match, so an unchanged
// picture costs a 304) and redraws load balancers → listeners → rules → target groups → targets → ECS tasks,
// then the ECS services with their deployments, tasks and events. Plain DOM, no dependencies.
"use strict";

const STATE_URL = "/_albatross/state";
const POLL_MS = 1000;

let etag = null;
let previousTargetStates = new Map();  // "tg|id|port" → state, to flash the targets whose health changed

// put(node, child, "text", …): appends children, skipping null/undefined/false; strings become text nodes
// (never HTML, so names from the API cannot inject markup).
function put(node, ...children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// el("div.card.lb", child, …): a tiny element builder.
function el(spec, ...children) {
  const [tag, ...classes] = spec.split(".");
  const node = document.createElement(tag || "div");
  if (classes.length) node.className = classes.join(" ");
  return put(node, ...children);
}

function badge(text, kind) {
  const node = el("span.state", text || "?");
  node.classList.add(String(kind || text || "unknown").toLowerCase().replace(/[^a-z_]/g, "_"));
  return node;
}

function timeOf(epochSeconds) {
  return new Date(epochSeconds * 1000).toLocaleTimeString();
}

function shortId(id) {
  return String(id || "").slice(0, 12);
}

function forwardedGroupArns(rule) {
  const arns = [];
  for (const action of rule.actions || []) {
    if (action.Type !== "forward") continue;
    const groups = (action.ForwardConfig && action.ForwardConfig.TargetGroups) || [];
    for (const group of groups) arns.push(group.TargetGroupArn);
    if (!groups.length && action.TargetGroupArn) arns.push(action.TargetGroupArn);
  }
  return arns;
}

function listenerUrl(listener, bound) {
  if (!bound.port || !/^HTTPS?$/.test(listener.protocol)) return null;
  return listener.protocol.toLowerCase() + "://" + bound.address + ":" + bound.port + "/";
}

function drawTask(task) {
  const box = el("div.task");
  put(box, el("span.kind", "ECS task"), " ", el("code", shortId(task.id)), " ", badge(task.last_status),
             task.service ? el("span.muted", " service ", el("b", task.service)) : null,
             " health ", badge(task.health_status));
  if (task.container) {
    const c = task.container;
    put(box, el("div.container", el("span.kind", "container"), " ", el("b", c.name), " ", badge(c.last_status),
                  " health ", badge(c.health_status), c.runtime_id ? el("span.muted", " docker " + c.runtime_id) : null));
  }
  return box;
}

function drawTarget(group, target) {
  const key = group.arn + "|" + target.id + "|" + target.port;
  const row = el("li.target");
  row.classList.add("is-" + target.state);
  const before = previousTargetStates.get(key);
  if (before !== undefined && before !== target.state) row.classList.add("changed");
  put(row, el("span.dot"), el("code.target-id", target.id + ":" + target.port), " ",
             badge(target.state), target.reason ? el("span.reason", target.reason) : null);
  if (target.description) put(row, el("div.description", target.description));
  if (target.task) put(row, drawTask(target.task));
  return row;
}

function drawTargetGroup(group) {
  const check = group.health_check || {};
  const box = el("div.tg");
  const healthy = (group.targets || []).filter(t => t.state === "healthy").length;
  put(box, el("div.tg-head",
                el("span.kind", "target group"), " ", el("b.tg-name", group.name), " ",
                el("span.muted", group.protocol + ":" + group.port + " · " + group.target_type), " ",
                el("span.count", healthy + "/" + (group.targets || []).length + " healthy")));
  put(box, el("div.muted.small", "health check " + (check.protocol || "") + " " + (check.path || "") +
                " on " + (check.port || "") + (check.matcher ? " · expects " + check.matcher : "")));
  const list = el("ul.targets");
  for (const target of group.targets || []) put(list, drawTarget(group, target));
  if (!(group.targets || []).length) put(list, el("li.muted", "no registered targets"));
  put(box, list);
  return box;
}

function drawRule(rule, groupsByArn) {
  const row = el("div.rule");
  const conditions = rule.conditions_text || [];
  put(row, el("div.rule-head",
                el("span.priority" + (rule.is_default ? ".default" : ""), rule.is_default ? "default" : rule.priority),
                el("span.conditions", conditions.length ? "if " + conditions.join(" and ") : "otherwise"),
                el("span.arrow", "→"),
                el("span.actions", (rule.actions_text || []).join("; "))));
  const arns = forwardedGroupArns(rule);
  if (arns.length) {
    const groups = el("div.groups");
    for (const arn of arns) {
      const group = groupsByArn.get(arn);
      if (group) put(groups, drawTargetGroup(group));
    }
    put(row, groups);
  }
  return row;
}

function drawListener(listener, groupsByArn) {
  const box = el("section.listener");
  const where = el("span.where");
  for (const bound of listener.bound || []) {
    const url = listenerUrl(listener, bound);
    const text = bound.port ? bound.address + ":" + bound.port : "not listening";
    const item = url ? el("a", text) : el("span", text);
    if (url) { item.href = url; item.target = "_blank"; }
    put(where, item);
    if (bound.error) put(where, el("span.warn", " (" + bound.error + ")"));
    put(where, " ");
  }
  put(box, el("div.listener-head", el("span.kind", "listener"), " ",
                el("b.listener-name", listener.protocol + ":" + listener.port), " ",
                (listener.bound || []).length ? el("span.muted", "listening on ") : el("span.warn", "no socket yet"),
                where));
  if (listener.certificates) {
    const names = listener.certificates.map(c => c.domain + (c.is_default ? " (default)" : ""));
    put(box, el("div.muted.small.certificates", "certificates " + names.join(", ") + " · " + listener.ssl_policy));
  }
  for (const rule of listener.rules || []) put(box, drawRule(rule, groupsByArn));
  return box;
}

function drawLoadBalancer(lb, groupsByArn) {
  const card = el("article.card.lb");
  put(card, el("div.card-head",
                 el("span.kind", lb.type === "network" ? "network load balancer" : "application load balancer"), " ",
                 el("h2.lb-name", lb.name), " ", badge(lb.state), " ",
                 el("span.muted", lb.scheme + " · " + lb.account_id + " · " + lb.region)));
  put(card, el("div.muted.small.dns", lb.dns_name + " → " + lb.address));
  if (!(lb.listeners || []).length) put(card, el("p.muted", "No listeners yet: create one to receive traffic."));
  for (const listener of lb.listeners || []) put(card, drawListener(listener, groupsByArn));
  return card;
}

function drawDeployment(d) {
  const row = el("tr");
  const total = Math.max(d.desired_count, 1);
  const bar = el("div.bar");
  const running = el("span.running"); running.style.width = (100 * Math.min(d.running_count, total) / total) + "%";
  const pending = el("span.pending"); pending.style.width = (100 * Math.min(d.pending_count, total) / total) + "%";
  put(bar, running, pending);
  put(row, el("td", el("code", d.id)), el("td", badge(d.status)), el("td", badge(d.rollout_state)),
             el("td", d.task_definition),
             el("td", bar, el("span.small", d.running_count + "/" + d.desired_count + " running · " + d.pending_count +
                                           " pending · " + d.failed_tasks + " failed")));
  if (d.rollout_state_reason) row.title = d.rollout_state_reason;
  return row;
}

function drawService(service) {
  const card = el("article.card.service");
  put(card, el("div.card-head", el("span.kind", "ECS service"), " ", el("h2.service-name", service.name), " ",
                 badge(service.status), " ",
                 el("span.muted", "cluster " + service.cluster + " · " + service.task_definition), " ",
                 el("span.count", service.running_count + "/" + service.desired_count + " running, " +
                                  service.pending_count + " pending")));
  if ((service.deployments || []).length) {
    const table = el("table.deployments", el("tr", el("th", "deployment"), el("th", "status"), el("th", "rollout"),
                                              el("th", "task definition"), el("th", "tasks")));
    for (const d of service.deployments) put(table, drawDeployment(d));
    put(card, table);
  }
  const tasks = el("ul.tasks");
  for (const task of service.tasks || []) {
    const row = el("li", el("code", shortId(task.id)), " ", badge(task.last_status),
                   el("span.muted", " desired " + task.desired_status + " · " + task.task_definition + " · health "),
                   badge(task.health_status));
    for (const c of task.containers || [])
      put(row, " ", el("span.chip", c.name + " ", badge(c.last_status)));
    if (task.stopped_reason) put(row, el("div.description", task.stopped_reason));
    put(tasks, row);
  }
  if ((service.tasks || []).length) put(card, el("h3", "tasks"), tasks);
  const events = el("ol.events");
  for (const event of service.events || [])
    put(events, el("li", el("time", timeOf(event.created_at)), " ", event.message));
  put(card, el("h3", "latest events"), (service.events || []).length ? events : el("p.muted", "none yet"));
  return card;
}

function draw(state) {
  const app = document.getElementById("app");
  const groups = state.target_groups || [];
  const groupsByArn = new Map(groups.map(g => [g.arn, g]));
  const lbs = state.load_balancers || [];
  const services = state.ecs_services || [];
  const fragment = document.createDocumentFragment();
  if (!lbs.length && !groups.length && !services.length) {
    put(fragment, el("p.empty", "Nothing running yet. Create a load balancer (aws elbv2 create-load-balancer …) " +
                                  "and it appears here within a second."));
  }
  for (const lb of lbs) put(fragment, drawLoadBalancer(lb, groupsByArn));
  const unused = groups.filter(g => !(g.load_balancer_arns || []).length);
  if (unused.length) {
    const card = el("article.card.unused-groups", el("div.card-head", el("h2", "Target groups not used by a load balancer")));
    for (const group of unused) put(card, drawTargetGroup(group));
    put(fragment, card);
  }
  for (const service of services) put(fragment, drawService(service));
  app.replaceChildren(fragment);

  const targets = groups.flatMap(g => g.targets || []);
  const healthy = targets.filter(t => t.state === "healthy").length;
  document.getElementById("summary").replaceChildren(
      el("span", lbs.length + " load balancer" + (lbs.length === 1 ? "" : "s")),
      el("span", groups.length + " target group" + (groups.length === 1 ? "" : "s")),
      el("span", healthy + "/" + targets.length + " targets healthy"),
      el("span", services.length + " ECS service" + (services.length === 1 ? "" : "s")));
  previousTargetStates = new Map();
  for (const g of groups) for (const t of g.targets || []) previousTargetStates.set(g.arn + "|" + t.id + "|" + t.port, t.state);
}

function setConnection(ok, text) {
  const node = document.getElementById("connection");
  node.className = "connection " + (ok ? "live" : "down");
  node.textContent = text;
}

async function poll() {
  try {
    const headers = etag ? {"If-None-Match": etag} : {};
    const response = await fetch(STATE_URL, {headers, cache: "no-store"});
    if (response.status === 200) {
      etag = response.headers.get("ETag");
      draw(await response.json());
    } else if (response.status !== 304) {
      throw new Error("HTTP " + response.status);
    }
    setConnection(true, "live · " + new Date().toLocaleTimeString());
  } catch (error) {
    setConnection(false, "cannot reach Albatross (" + error.message + "), retrying…");
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

poll();
