// Stevedore console: a page per cluster, read a section at a time from /console/api/, live through server-sent
// events. No dependency, nothing fetched from outside the server; every value is written as text, never as HTML.
'use strict';
(() => {
  const PAGE = 50;
  const REFRESH_MS = 5000;
  const EVENT_TYPES = ['ECS Task State Change', 'ECS Container Instance State Change',
    'ECS Capacity Provider State Change', 'Stevedore Instance Lifecycle Action',
    'Stevedore Capacity Provider Launch Failure'];
  const S = {
    session: null, cluster: null, timer: null, source: null, pendingRefresh: null, busy: false,
    taskStatus: 'ALL', taskOffset: 0, instStatus: 'ALL', instOffset: 0, svcOffset: 0, eventType: '', events: [],
    latest: {}, armed: null, again: false, retry: 1000
  };

  // ------------------------------------------------------------------ helpers
  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') e.textContent = v;
      else if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.assign(e.dataset, v);
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  const money = v => '$' + Number(v || 0).toFixed(v && v < 1 ? 4 : 2);
  const mib = v => v >= 1024 ? (v / 1024).toFixed(v % 1024 ? 1 : 0) + ' GiB' : v + ' MiB';
  function age(seconds) {
    if (seconds === undefined || seconds === null) return '';
    if (seconds < 120) return seconds + ' s';
    if (seconds < 7200) return Math.round(seconds / 60) + ' min';
    if (seconds < 172800) return (seconds / 3600).toFixed(1) + ' h';
    return (seconds / 86400).toFixed(1) + ' d';
  }
  const time = iso => iso && iso !== 'null' ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : '';
  const statusCell = s => el('td', {}, el('span', { class: 'status status-' + s, text: s }));

  // Reads a section; an answer overtaken by a newer read of the same section (a filter changed meanwhile) is dropped.
  async function read(section, path) {
    const mine = (S.latest[section] || 0) + 1;
    S.latest[section] = mine;
    const body = await get(path);
    return S.latest[section] === mine ? body : null;
  }

  async function get(path) {
    const r = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (r.status === 401) { location.assign('/console/login'); throw new Error('signed out'); }
    const body = await r.json();
    if (!r.ok) throw new Error(body.message || r.statusText);
    return body;
  }

  function notice(message, error) {
    const n = document.getElementById('notice');
    n.textContent = message;
    n.className = 'notice' + (error ? ' error' : '');
    n.hidden = false;
    clearTimeout(notice.t);
    notice.t = setTimeout(() => { n.hidden = true; }, 8000);
  }

  async function act(body, button) {
    if (button) button.disabled = true;
    try {
      const r = await fetch('/console/api/actions', {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': S.session.csrfToken },
        body: JSON.stringify(Object.assign({ cluster: S.cluster }, body))
      });
      const answer = await r.json();
      if (!r.ok) throw new Error(answer.message || r.statusText);
      notice(answer.message);
      refreshSoon(300);
    } catch (e) {
      notice('Action failed: ' + e.message, true);
    } finally {
      if (button) button.disabled = false;
    }
  }

  // A destructive action asks for a second click within five seconds. The armed state lives outside the button,
  // so a refresh that redraws the row keeps it.
  const armed = key => S.armed && S.armed.key === key && Date.now() < S.armed.until;
  function confirmButton(key, label, confirmLabel, name, run) {
    const b = el('button', { type: 'button', class: 'danger', text: armed(key) ? confirmLabel : label,
      'aria-label': (armed(key) ? confirmLabel : label) + ' ' + name, dataset: { key } });
    b.addEventListener('click', () => {
      if (!armed(key)) {
        S.armed = { key, until: Date.now() + 5000 };
        b.textContent = confirmLabel;
        b.setAttribute('aria-label', confirmLabel + ' ' + name);
        setTimeout(() => {
          if (b.isConnected && !armed(key)) { b.textContent = label; b.setAttribute('aria-label', label + ' ' + name); }
        }, 5100);
        return;
      }
      S.armed = null;
      b.textContent = label;
      run(b);
    });
    return b;
  }

  function table(caption, headers, rows, empty) {
    const head = el('tr', {}, headers.map(h => el('th', { scope: 'col', class: h.num ? 'num' : null, text: h.label || h })));
    const body = el('tbody', {}, rows.length ? rows
      : [el('tr', {}, el('td', { colspan: headers.length, class: 'muted', text: empty || 'None.' }))]);
    return el('div', { class: 'table-wrap' },
      el('table', {}, el('caption', { text: caption }), el('thead', {}, head), body));
  }

  function pager(what, total, offset, go) {
    const last = Math.min(total, offset + PAGE);
    return el('div', { class: 'pager' },
      el('button', { type: 'button', text: 'Previous', 'aria-label': 'Previous page of ' + what, dataset: { key: what + ':prev' },
        disabled: offset === 0, onclick: () => go(Math.max(0, offset - PAGE)) }),
      el('span', { text: total ? `${offset + 1}–${last} of ${total}` : '0 of 0' }),
      el('button', { type: 'button', text: 'Next', 'aria-label': 'Next page of ' + what, dataset: { key: what + ':next' },
        disabled: last >= total, onclick: () => go(offset + PAGE) }));
  }

  // Replaces a section's content unless the person is typing in it; the focused control (found again by its
  // data-key) keeps the focus, so refreshes never throw a keyboard user back to the top.
  function fill(id, ...nodes) {
    const box = document.getElementById(id);
    if (!box) return;
    const active = document.activeElement;
    if (box.contains(active) && active.matches('input, select')) return;
    const key = box.contains(active) && active.dataset ? active.dataset.key : null;
    box.replaceChildren(...nodes.flat().filter(n => n !== null && n !== undefined));
    if (key) {
      const again = [...box.querySelectorAll('[data-key]')].find(e => e.dataset.key === key);
      if (again && !again.disabled) again.focus();
    }
  }

  // ------------------------------------------------------------------ pages
  function crumbs(parts) {
    const nav = document.getElementById('crumbs');
    nav.replaceChildren(...parts.map((p, i) => i < parts.length - 1
      ? el('a', { href: p.href, text: p.label }) : el('span', { 'aria-current': 'page', text: p.label })));
  }

  async function clustersPage() {
    S.cluster = null;
    closeEvents();
    crumbs([{ label: 'Clusters' }]);
    document.title = 'Clusters · Stevedore console';
    const data = await get('/console/api/clusters');
    const rows = data.clusters.map(c => el('tr', {},
      el('td', {}, el('a', { href: '#/cluster/' + encodeURIComponent(c.name), text: c.name })),
      statusCell(c.status),
      el('td', { class: 'num', text: c.services }), el('td', { class: 'num', text: c.runningTasks }),
      el('td', { class: 'num', text: c.pendingTasks }), el('td', { class: 'num', text: c.instances }),
      el('td', { class: 'num', text: money(c.costPerHour) + '/h' })));
    document.getElementById('main').replaceChildren(
      el('h1', { text: 'Clusters' }),
      el('section', { class: 'panel', 'aria-labelledby': 'clusters-h' },
        el('h2', { id: 'clusters-h', text: `${data.clusters.length} in ${data.region}` }),
        table('Clusters, their work and their hourly cost now',
          ['Cluster', 'Status', { label: 'Services', num: 1 }, { label: 'Running tasks', num: 1 },
            { label: 'Pending tasks', num: 1 }, { label: 'Instances', num: 1 }, { label: 'Cost now', num: 1 }],
          rows, 'No cluster yet: aws ecs create-cluster --cluster-name NAME')));
  }

  function clusterSkeleton(name) {
    const typeSelect = el('select', { id: 'event-type' }, el('option', { value: '', text: 'All types' }),
      EVENT_TYPES.map(t => el('option', { value: t, text: t })));
    typeSelect.value = S.eventType;
    typeSelect.addEventListener('change', () => { S.eventType = typeSelect.value; S.events = []; openEvents(); });
    const taskSelect = el('select', { id: 'task-status' },
      ['ALL', 'PENDING', 'RUNNING', 'STOPPED'].map(s => el('option', { value: s, text: s[0] + s.slice(1).toLowerCase() })));
    taskSelect.value = S.taskStatus;
    taskSelect.addEventListener('change', () => { S.taskStatus = taskSelect.value; S.taskOffset = 0; loadTasks(); });
    const instSelect = el('select', { id: 'instance-status' },
      ['ALL', 'ACTIVE', 'DRAINING', 'BOOTING'].map(s => el('option', { value: s, text: s[0] + s.slice(1).toLowerCase() })));
    instSelect.value = S.instStatus;
    instSelect.addEventListener('change', () => { S.instStatus = instSelect.value; S.instOffset = 0; loadInstances(); });
    document.getElementById('main').replaceChildren(
      el('h1', { text: 'Cluster ' + name }),
      el('div', { id: 'summary', class: 'cards', 'aria-live': 'polite' }),
      el('p', { id: 'verdict', class: 'verdict' }),
      el('div', { class: 'grid2' },
        el('section', { class: 'panel', 'aria-labelledby': 'fleet-h' }, el('h2', { id: 'fleet-h', text: 'Fleet by instance type' }), el('div', { id: 'fleet' })),
        el('section', { class: 'panel', 'aria-labelledby': 'providers-h' }, el('h2', { id: 'providers-h', text: 'Capacity providers' }), el('div', { id: 'providers' }))),
      el('section', { class: 'panel', 'aria-labelledby': 'services-h' }, el('h2', { id: 'services-h', text: 'Services' }), el('div', { id: 'services' })),
      el('section', { class: 'panel', 'aria-labelledby': 'tasks-h' }, el('h2', { id: 'tasks-h', text: 'Tasks' }),
        el('div', { class: 'controls' }, el('label', { for: 'task-status', text: 'Status' }), taskSelect),
        el('div', { id: 'tasks' })),
      el('section', { class: 'panel', 'aria-labelledby': 'instances-h' }, el('h2', { id: 'instances-h', text: 'Container instances' }),
        el('div', { class: 'controls' }, el('label', { for: 'instance-status', text: 'Status' }), instSelect),
        el('div', { id: 'instances' })),
      el('section', { class: 'panel', 'aria-labelledby': 'events-h' }, el('h2', { id: 'events-h', text: 'Events, as they happen' }),
        el('div', { class: 'controls' }, el('label', { for: 'event-type', text: 'Type' }), typeSelect,
          el('span', { id: 'events-state', class: 'muted' })),
        el('ul', { id: 'events', class: 'events', 'aria-live': 'polite', 'aria-relevant': 'additions' })));
  }

  async function clusterPage(name) {
    if (S.cluster !== name) {
      S.cluster = name;
      S.taskOffset = 0; S.instOffset = 0; S.svcOffset = 0; S.events = [];
      crumbs([{ label: 'Clusters', href: '#/' }, { label: name }]);
      document.title = name + ' · Stevedore console';
      clusterSkeleton(name);
      openEvents();
    }
    await Promise.all([loadCluster(), loadServices(), loadTasks(), loadInstances()]);
  }

  async function loadCluster() {
    const c = await read('cluster', '/console/api/cluster?name=' + encodeURIComponent(S.cluster));
    if (!c) return;
    const k = c.counts;
    const card = (id, label, value, sub) => el('div', { class: 'card', id },
      el('div', { class: 'label', text: label }), el('div', { class: 'value', text: value }),
      sub ? el('div', { class: 'sub', text: sub }) : null);
    fill('summary',
      card('card-instances', 'Instances', k.instances, k.drainingInstances ? k.drainingInstances + ' draining' : 'none draining'),
      card('card-running', 'Running tasks', k.runningTasks, k.services + ' services'),
      card('card-pending', 'Pending tasks', k.pendingTasks, 'not yet RUNNING'),
      card('cost-now', 'Cost now (Managed Instances)', money(c.cost.totalPerHour) + '/h',
        'EC2 ' + money(c.cost.ec2PerHour) + ' + fee ' + money(c.cost.managementFeePerHour)),
      card('fargate-now', 'Same tasks on Fargate', money(c.cost.fargatePerHour) + '/h',
        c.cost.fargateTasks + ' of ' + c.cost.tasksPriced + ' running tasks can run there'));
    const v = document.getElementById('verdict');
    const cannot = c.cost.fargateCannotRun.map(u => `${u.tasks} (${u.reason})`).join('; ');
    v.textContent = c.cost.tasksPriced === 0 ? 'No running task to compare with Fargate.'
      : cannot ? `Fargate cannot run ${c.cost.tasksPriced - c.cost.fargateTasks} of the ${c.cost.tasksPriced} running tasks: ${cannot}. Its figure covers only the others.`
        : 'Fargate could run every running task.';
    fill('fleet', table('Managed instances now, by type', ['Instance type', { label: 'Count', num: 1 }, { label: 'Per hour', num: 1 }],
      c.fleet.map(f => el('tr', { dataset: { type: f.instanceType } }, el('td', { text: f.instanceType }),
        el('td', { class: 'num', text: f.count }), el('td', { class: 'num', text: money(f.perHour) }))),
      'No instance running: the first task launches one.'));
    const strategy = c.defaultStrategy.map(s => `${s.capacityProvider} (weight ${s.weight}, base ${s.base})`).join(', ');
    fill('providers',
      el('p', {}, el('strong', { text: 'Default strategy: ' }), strategy || 'none'),
      c.capacityProviders.map(p => el('div', { class: 'provider' },
        el('h3', { text: `${p.name} · ${p.type || ''}${p.capacityOptionType ? ' · ' + p.capacityOptionType : ''}` }),
        p.instanceRequirements ? el('details', {}, el('summary', { text: 'Instance requirements' }),
          el('pre', { text: typeof p.instanceRequirements === 'string' ? p.instanceRequirements : JSON.stringify(p.instanceRequirements, null, 2) })) : null,
        p.instanceTypes ? table(`${p.instanceTypes.count} matching instance types; the cheapest`,
          ['Type', { label: 'vCPU', num: 1 }, { label: 'Memory', num: 1 }, 'Arch', { label: 'EC2 + fee /h', num: 1 }],
          p.instanceTypes.cheapest.map(t => el('tr', {}, el('td', { text: t.instanceType }), el('td', { class: 'num', text: t.vcpus }),
            el('td', { class: 'num', text: mib(t.memoryMiB) }), el('td', { text: t.architectures }),
            el('td', { class: 'num', text: money(t.pricePerHour) + ' + ' + money(t.feePerHour) })))) : null)));
  }

  async function loadServices() {
    const d = await read('services', `/console/api/services?cluster=${encodeURIComponent(S.cluster)}&offset=${S.svcOffset}&limit=${PAGE}`);
    if (!d) return;
    S.svcOffset = d.offset;
    const rows = d.items.map(s => {
      const id = 'scale-' + s.name;
      const count = el('input', { type: 'number', min: 0, step: 1, required: true, inputmode: 'numeric', id, value: s.desiredCount });
      const key = 'scale:' + s.name;
      const button = el('button', { type: 'submit', class: 'primary', text: armed(key) ? 'Confirm' : 'Scale',
        'aria-label': 'Scale service ' + s.name, dataset: { key } });
      const scale = el('form', { class: 'inline-form' },
        el('label', { for: id, class: 'visually-hidden', text: 'Desired count of ' + s.name }), count, button);
      scale.addEventListener('submit', ev => {
        ev.preventDefault();
        const n = count.value.trim() === '' ? NaN : Number(count.value);
        if (!Number.isInteger(n) || n < 0) { notice('Desired count must be a whole number, 0 or more.', true); return; }
        if (n === 0 && s.desiredCount > 0 && !armed(key)) { // stopping every task asks for a second click
          S.armed = { key, until: Date.now() + 5000 };
          button.textContent = 'Confirm';
          notice(`Scale ${s.name} to 0 stops all its tasks: press Confirm within 5 seconds.`);
          return;
        }
        S.armed = null;
        act({ action: 'scale', service: s.name, desiredCount: n }, button);
        count.blur();
      });
      const deploy = el('button', { type: 'button', text: 'Force new deployment', dataset: { key: 'deploy:' + s.name },
        'aria-label': 'Force a new deployment of ' + s.name,
        onclick: ev => act({ action: 'deploy', service: s.name }, ev.currentTarget) });
      const deployments = s.deployments.map(x => `${x.status} ${x.rolloutState || ''} ${x.taskDefinition}: ${x.runningCount}/${x.desiredCount} running`
        + (x.failedTasks ? `, ${x.failedTasks} failed` : '') + (x.rolloutStateReason ? ` (${x.rolloutStateReason})` : ''));
      return el('tr', { dataset: { service: s.name } },
        el('td', { text: s.name }), statusCell(s.status),
        el('td', { class: 'num', text: s.desiredCount }), el('td', { class: 'num', text: s.runningCount }),
        el('td', { class: 'num', text: s.pendingCount }),
        el('td', {}, deployments.map(t => el('div', { text: t }))),
        el('td', {}, s.events.length ? el('details', {}, el('summary', { text: s.events[0].message.slice(0, 70) + (s.events[0].message.length > 70 ? '…' : '') }),
          el('ul', {}, s.events.map(e => el('li', {}, el('time', { text: time(e.at) + ' ' }), e.message)))) : ''),
        el('td', {}, scale, deploy));
    });
    fill('services', table('Services: desired, running and pending tasks, deployments and recent events',
      ['Service', 'Status', { label: 'Desired', num: 1 }, { label: 'Running', num: 1 }, { label: 'Pending', num: 1 },
        'Deployments', 'Recent events', 'Actions'], rows, 'No service.'),
      d.total > PAGE || d.offset > 0 ? pager('services', d.total, d.offset, o => { S.svcOffset = o; loadServices(); }) : null);
  }

  async function loadTasks() {
    const d = await read('tasks', `/console/api/tasks?cluster=${encodeURIComponent(S.cluster)}&status=${S.taskStatus}&offset=${S.taskOffset}&limit=${PAGE}`);
    if (!d) return;
    S.taskOffset = d.offset;
    const rows = d.items.map(t => el('tr', { dataset: { task: t.id, status: t.lastStatus } },
      el('td', {}, el('code', { text: t.id.slice(0, 12) })), statusCell(t.lastStatus),
      el('td', { text: (t.group || '').replace(/^service:/, '') }), el('td', { text: t.taskDefinition }),
      el('td', { text: t.instanceId ? `${t.instanceId} (${t.instanceType || ''})` : '' }),
      el('td', { text: t.availabilityZone || '' }), el('td', { text: t.address || '' }),
      el('td', { class: 'num', text: t.startLatencySeconds !== undefined ? t.startLatencySeconds.toFixed(1) + ' s' : '' }),
      el('td', { class: 'explain', text: t.explanation || t.stoppedReason || '' }),
      el('td', {}, t.desiredStatus === 'RUNNING'
        ? confirmButton('stop:' + t.id, 'Stop', 'Confirm stop', 'task ' + t.id.slice(0, 12), b => act({ action: 'stop', task: t.arn }, b)) : '')));
    fill('tasks', table(`${d.total} tasks (${S.taskStatus.toLowerCase()})`,
      ['Task', 'Status', 'Service', 'Task definition', 'Instance', 'Zone', 'Address', { label: 'Start latency', num: 1 },
        'Why not running / why stopped', 'Actions'], rows, 'No task.'),
    pager('tasks', d.total, d.offset, o => { S.taskOffset = o; loadTasks(); }));
  }

  async function loadInstances() {
    const d = await read('instances', `/console/api/instances?cluster=${encodeURIComponent(S.cluster)}&status=${S.instStatus}&offset=${S.instOffset}&limit=${PAGE}`);
    if (!d) return;
    S.instOffset = d.offset;
    const use = (used, reg, unit) => reg ? el('span', {},
      el('meter', { min: 0, max: reg, value: used, 'aria-label': `${used} of ${reg} ${unit} reserved` }), ` ${used}/${reg}`) : '';
    const rows = d.items.map(i => {
      const l = i.lifecycle || {};
      const details = [l.reason, l.deadline ? (l.state === 'IDLE' ? 'scale-in at ' : 'deadline ') + time(l.deadline) : null, l.spotNotice ? 'Spot notice ' + time(l.spotNotice) : null,
        l.impaired, l.replacementFrom ? 'replaced in a maintenance window from ' + time(l.replacementFrom) + ', at the latest ' + time(l.replacementDeadline) : null].filter(Boolean).join(' · ');
      return el('tr', { dataset: { instance: i.ec2InstanceId } },
        el('td', {}, el('code', { text: i.ec2InstanceId })), el('td', { text: i.instanceType }),
        el('td', { text: i.availabilityZone || '' }), el('td', { class: 'num', text: age(i.ageSeconds) }),
        el('td', {}, use(i.cpuUsed, i.cpuRegistered, 'CPU units')), el('td', {}, use(i.memoryUsed, i.memoryRegistered, 'MiB')),
        el('td', { class: 'num', text: i.tasks }), statusCell(i.status),
        el('td', {}, el('span', { class: 'status status-' + (l.state || ''), text: l.state || '' }), el('div', { class: 'muted', text: details })),
        el('td', {}, i.status === 'ACTIVE' && i.containerInstanceArn
          ? confirmButton('drain:' + i.ec2InstanceId, 'Drain', 'Confirm drain', 'instance ' + i.ec2InstanceId, b => act({ action: 'drain', containerInstance: i.containerInstanceArn }, b)) : ''));
    });
    fill('instances', table(`${d.total} container instances`,
      ['Instance', 'Type', 'Zone', { label: 'Age', num: 1 }, 'CPU reserved', 'Memory reserved', { label: 'Tasks', num: 1 }, 'Status',
        'Lifecycle', 'Actions'], rows, 'No instance.'),
    pager('instances', d.total, d.offset, o => { S.instOffset = o; loadInstances(); }));
  }

  // ------------------------------------------------------------------ events
  function closeEvents() {
    if (S.source) { S.source.close(); S.source = null; }
  }

  function openEvents() {
    closeEvents();
    const list = document.getElementById('events');
    if (!list) return;
    list.replaceChildren();
    const q = new URLSearchParams({ cluster: S.cluster });
    if (S.eventType) q.set('type', S.eventType);
    const src = new EventSource('/console/api/events?' + q);
    S.source = src;
    const state = document.getElementById('events-state');
    src.onopen = () => { state.textContent = 'live'; S.retry = 1000; };
    src.onerror = () => {
      if (src.readyState !== EventSource.CLOSED) { state.textContent = 'reconnecting…'; return; }
      // The server refused the stream (busy, or signed out): the browser gives up, so retry with backoff.
      state.textContent = `disconnected; retrying in ${Math.round(S.retry / 1000)} s`;
      setTimeout(() => { if (S.source === src && !document.hidden) openEvents(); }, S.retry);
      S.retry = Math.min(S.retry * 2, 60000);
    };
    src.onmessage = m => {
      const e = JSON.parse(m.data);
      const d = e.detail || {};
      const what = d.lastStatus ? `${(d.taskArn || '').split('/').pop().slice(0, 12)} ${d.lastStatus}${d.stoppedReason ? ': ' + d.stoppedReason : ''}`
        : d.ec2InstanceId ? `${d.ec2InstanceId} ${d.status || ''}` : (e.resources || []).join(', ');
      const item = el('li', {}, el('time', { text: time(e.time) }), el('span', { class: 'type', text: e.detailType }), what);
      list.prepend(item);
      while (list.children.length > 100) list.lastElementChild.remove();
      refreshSoon(800);
    };
  }

  // ------------------------------------------------------------------ refresh
  function refreshSoon(ms) {
    if (S.pendingRefresh) return;
    S.pendingRefresh = setTimeout(() => { S.pendingRefresh = null; refresh(); }, ms);
  }

  async function refresh() {
    if (document.hidden) return;
    if (S.busy) { S.again = true; return; } // a navigation during a slow refresh runs right after it
    S.busy = true;
    try {
      await render();
    } catch (e) {
      notice('Could not refresh: ' + e.message, true);
    } finally {
      S.busy = false;
      if (S.again) { S.again = false; refresh(); }
    }
  }

  async function render() {
    if (location.hash && !location.hash.startsWith('#/')) return; // an in-page link (Skip to content), not a route
    const m = location.hash.match(/^#\/cluster\/(.+)$/);
    if (m) await clusterPage(decodeURIComponent(m[1]));
    else await clustersPage();
  }

  async function start() {
    S.session = await get('/console/api/session');
    document.getElementById('where').textContent = `${S.session.region} · account ${S.session.account} · ${S.session.user}`;
    const out = document.getElementById('signout');
    if (!S.session.open) {
      out.hidden = false;
      out.addEventListener('click', async () => {
        await fetch('/console/logout', { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': S.session.csrfToken } });
        location.assign('/console/login');
      });
    }
    window.addEventListener('hashchange', () => {
      if (location.hash.startsWith('#/') || !location.hash) { document.getElementById('main').focus(); refresh(); }
    });
    document.querySelector('.skip').addEventListener('click', ev => {
      ev.preventDefault();
      document.getElementById('main').focus();
    });
    // A hidden tab keeps no event stream (the server has few) and reads nothing; it catches up when shown.
    document.addEventListener('visibilitychange', () => {
      if (document.hidden) closeEvents();
      else { if (S.cluster) openEvents(); refresh(); }
    });
    await refresh();
    S.timer = setInterval(refresh, REFRESH_MS);
  }

  document.addEventListener('DOMContentLoaded', () => start().catch(e => notice('Could not start: ' + e.message, true)));
})();
