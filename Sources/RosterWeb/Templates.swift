/// The console's Mustache templates, compiled into the binary so that `roster` stays one file. `{{name}}` escapes
/// HTML; the one unescaped value, `{{{body}}}`, is a page these templates rendered.
enum Templates {
    static let all: [String: String] = [
        "layout": layout, "sign-in": signIn, "tenants": tenants, "parties": parties, "party": party, "error": error,
        "secret": secret, "audit": audit, "access": access, "users": users, "imports": imports, "import-job": importJob,
        "new-party": newParty,
    ]

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Roster</title>
        {{#refresh}}<meta http-equiv="refresh" content="{{refresh}}">{{/refresh}}
        <link rel="stylesheet" href="/ui/static/roster.css">
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <a class="brand" href="/ui">Roster</a>
          {{#signedIn}}
          <nav aria-label="Main">
            {{#platform}}<a href="/ui/tenants">Tenants</a>{{/platform}}
            {{#tenantSlug}}{{#nav}}{{#parties}}<a href="/ui/t/{{tenantSlug}}/parties">Parties</a>{{/parties}}
            {{#users}}<a href="/ui/t/{{tenantSlug}}/users">Users</a>{{/users}}
            {{#access}}<a href="/ui/t/{{tenantSlug}}/access">Access</a>{{/access}}
            {{#imports}}<a href="/ui/t/{{tenantSlug}}/imports">Imports</a>{{/imports}}
            {{#audit}}<a href="/ui/t/{{tenantSlug}}/audit">Audit</a>{{/audit}}{{/nav}}{{/tenantSlug}}
          </nav>
          <span class="who">Signed in as <strong>{{who}}</strong></span>
          <form method="post" action="/ui/sign-out" class="inline">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <button type="submit" id="sign-out">Sign out</button>
          </form>
          {{/signedIn}}
        </header>
        <main id="main">
        {{#flash}}<p class="flash" role="status">{{flash}}</p>{{/flash}}
        {{{body}}}
        </main>
        </body>
        </html>
        """

    static let signIn = """
        <h1>Sign in</h1>
        {{#notice}}<p class="flash" role="status" id="ended">{{notice}}</p>{{/notice}}
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <section class="card">
          <h2>With a token</h2>
          <p>Paste a tenant API key (<code>rk_…</code>) or a platform token, such as the bootstrap token <code>roster serve</code> printed at its first start.</p>
          <form method="post" action="/ui/sign-in">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label for="token">Token</label>
            <input id="token" name="token" type="password" autocomplete="current-password" required>
            <button type="submit">Sign in</button>
          </form>
        </section>
        <section class="card">
          <h2>With single sign-on</h2>
          <p>Sign in with your organization's identity provider, as set up for your tenant.</p>
          <form method="get" action="/ui/sign-in/sso">
            <label for="sso-tenant">Tenant</label>
            <input id="sso-tenant" name="tenant" autocomplete="organization" required>
            <button type="submit" id="sso">Continue to sign-in</button>
          </form>
        </section>
        """

    static let tenants = """
        <h1>Tenants</h1>
        {{#notice}}<p class="flash" role="status">{{notice}}</p>{{/notice}}
        {{#warning}}<p class="error" role="alert">{{warning}}</p>{{/warning}}
        {{^hasItems}}<p class="empty">No tenants yet.</p>{{/hasItems}}
        {{#hasItems}}
        <table id="tenants">
          <thead><tr><th scope="col">Slug</th><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Customer tracking</th><th scope="col">Created</th></tr></thead>
          <tbody>
          {{#items}}
          <tr>
            <td><a href="/ui/t/{{slug}}/parties">{{slug}}</a></td>
            <td>{{name}}</td>
            <td><span class="badge badge-{{status}}">{{status}}</span>{{#provisioningError}}<br><span class="error">{{provisioningError}}</span>{{/provisioningError}}</td>
            <td><span class="badge badge-{{tracking}}">{{tracking}}</span>{{#trackingAttempts}} <span class="meta">{{trackingAttempts}}</span>{{/trackingAttempts}}
              {{#trackingError}}<br><span class="error">{{trackingError}}</span>{{/trackingError}}
              {{#canRetry}}
              <form method="post" action="/ui/tenants/{{slug}}/tracking/retry" class="inline">
                <input type="hidden" name="csrf" value="{{csrf}}">
                <button type="submit" class="small" id="retry-{{slug}}">Retry now</button>
              </form>
              {{/canRetry}}
            </td>
            <td>{{createdAt}}</td>
          </tr>
          {{/items}}
          </tbody>
        </table>
        {{/hasItems}}
        <section class="card" id="create-tenant">
          <h2>New tenant</h2>
          {{#hasErrors}}<div class="error" role="alert"><p>Not created:</p><ul>{{#errors}}<li><strong>{{field}}</strong>: {{message}}</li>{{/errors}}</ul></div>{{/hasErrors}}
          <form method="post" action="/ui/tenants" class="filters">
            <input type="hidden" name="csrf" value="{{csrf}}">
            {{#form}}
            <div><label for="slug">Slug</label><input id="slug" name="slug" value="{{slug}}" required pattern="[a-z0-9-]+"></div>
            <div><label for="tenant-name">Name</label><input id="tenant-name" name="name" value="{{name}}" required></div>
            <div><label for="callingCode">Default calling code</label><input id="callingCode" name="callingCode" value="{{callingCode}}" inputmode="numeric"></div>
            <div><label for="admin-first">Admin first name</label><input id="admin-first" name="firstName" value="{{firstName}}"></div>
            <div><label for="admin-last">Admin last name</label><input id="admin-last" name="lastName" value="{{lastName}}"></div>
            <div><label for="admin-email">Admin email</label><input id="admin-email" name="email" type="text" inputmode="email" autocomplete="email" value="{{email}}"></div>
            {{/form}}
            <div><button type="submit" id="create">Create tenant</button></div>
          </form>
        </section>
        """

    static let newParty = """
        <p class="crumbs"><a href="/ui/t/{{tenant}}/parties">Parties</a> › New party</p>
        <h1>New party</h1>
        {{#conflict}}<p class="error conflict" role="alert" id="conflict">{{conflict}}{{#conflictWith}} <a href="/ui/t/{{tenant}}/parties/{{conflictWith}}" id="conflict-with">Open it</a>{{/conflictWith}}</p>{{/conflict}}
        {{#hasErrors}}<div class="error" role="alert"><p>Not created:</p><ul>{{#errors}}<li><strong>{{field}}</strong>: {{message}}</li>{{/errors}}</ul></div>{{/hasErrors}}
        <section class="card">
          <form method="post" action="/ui/t/{{tenant}}/new-party" id="new-party">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label for="new-kind">Kind</label>
            <select id="new-kind" name="kind">{{#kinds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kinds}}</select>
            <p class="meta">A person takes a first and last name, an organization a name.</p>
            <label for="new-first">First name (person)</label><input id="new-first" name="firstName" value="{{firstName}}">
            <label for="new-last">Last name (person)</label><input id="new-last" name="lastName" value="{{lastName}}">
            <label for="new-name">Name (organization)</label><input id="new-name" name="name" value="{{name}}">
            <label for="new-email">Email</label><input id="new-email" name="email" type="text" inputmode="email" autocomplete="off" value="{{email}}">
            <label for="new-phone">Phone</label><input id="new-phone" name="phone" value="{{phone}}">
            <label for="new-website">Website</label><input id="new-website" name="website" value="{{website}}">
            <label for="new-type">Customer type</label>
            <select id="new-type" name="customerType">{{#customerTypes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/customerTypes}}</select>
            <label for="new-roles">Roles (separated by commas: customer, partner, dealer, ...)</label><input id="new-roles" name="roles" value="{{roles}}">
            <label for="new-note">Note</label><textarea id="new-note" name="note" rows="3">{{note}}</textarea>
            <button type="submit" id="create-party">Create</button>
          </form>
        </section>
        """

    static let parties = """
        <h1>Parties of {{tenant}}</h1>
        {{#notice}}<p class="flash" role="status">{{notice}}</p>{{/notice}}
        {{#canCreate}}<p><a href="/ui/t/{{tenant}}/new-party" id="new-party-link">New party</a></p>{{/canCreate}}
        <form method="get" action="/ui/t/{{tenant}}/parties" class="filters" role="search">
          <div><label for="q">Search</label><input id="q" name="q" value="{{q}}" placeholder="name, email or phone"></div>
          <div><label for="kind">Kind</label><select id="kind" name="kind">{{#kinds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kinds}}</select></div>
          <div><label for="role">Role</label><input id="role" name="role" value="{{role}}"></div>
          <div><label for="customerType">Customer type</label><select id="customerType" name="customerType">{{#customerTypes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/customerTypes}}</select></div>
          <div><label for="state">State</label><select id="state" name="state">{{#states}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/states}}</select></div>
          <div><label for="tag">Tag</label><input id="tag" name="tag" value="{{tag}}"></div>
          <div><label for="partnerId">Partner id</label><input id="partnerId" name="partnerId" value="{{partnerId}}"></div>
          <div><button type="submit" id="search">Search</button></div>
        </form>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        {{^hasItems}}<p class="empty">No party matches.</p>{{/hasItems}}
        {{#hasItems}}
        <table class="results">
          <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Email</th><th scope="col">Phone</th><th scope="col">Roles</th><th scope="col">State</th></tr></thead>
          <tbody>
          {{#items}}
          <tr>
            <td><a href="/ui/t/{{tenant}}/parties/{{id}}">{{displayName}}</a></td>
            <td>{{kind}}</td>
            <td>{{email}}</td>
            <td>{{phone}}</td>
            <td>{{roles}}</td>
            <td><span class="badge badge-{{state}}">{{state}}</span></td>
          </tr>
          {{/items}}
          </tbody>
        </table>
        {{/hasItems}}
        {{#nextURL}}<p><a href="{{nextURL}}" rel="next" id="next-page">Next page</a></p>{{/nextURL}}
        """

    static let party = """
        <p class="crumbs"><a href="/ui/t/{{tenant}}/parties">Parties</a> › {{displayName}}</p>
        <h1>{{displayName}} <span class="badge badge-{{state}}" id="state">{{state}}</span></h1>
        <p class="meta">{{kind}} · version <span id="version">{{version}}</span> · created {{createdAt}} · updated {{updatedAt}}</p>
        {{#notice}}<p class="flash" role="status">{{notice}}</p>{{/notice}}
        {{#conflict}}<p class="error conflict" role="alert" id="conflict">{{conflict}}{{#conflictWith}} <a href="/ui/t/{{tenant}}/parties/{{conflictWith}}" id="conflict-with">Open it</a>{{/conflictWith}}</p>{{/conflict}}
        {{#hasUnsaved}}
        <div class="error" id="unsaved"><p>Your form, where it differs from the party as it is now (not saved):</p><ul>{{#unsaved}}<li><strong>{{field}}</strong>: {{message}}</li>{{/unsaved}}</ul></div>
        {{/hasUnsaved}}
        {{#hasErrors}}
        <div class="error" role="alert"><p>Not saved:</p><ul>{{#errors}}<li><strong>{{field}}</strong>: {{message}}</li>{{/errors}}</ul></div>
        {{/hasErrors}}
        <div class="columns">
        <section class="card">
          <h2>Details</h2>
          {{^canWrite}}<p class="meta" id="read-only">Your roles let you read this party, not change it.</p>{{/canWrite}}
          {{#canWrite}}{{^canEdit}}<p class="meta" id="read-only">This party is {{state}}: {{#canRestore}}restore it to change it.{{/canRestore}}{{^canRestore}}it is not changed any more.{{/canRestore}}</p>{{/canEdit}}{{/canWrite}}
          <form method="post" action="/ui/t/{{tenant}}/parties/{{id}}/edit" id="edit">
            <fieldset class="plain"{{^canEdit}} disabled{{/canEdit}}>
            <legend class="visually-hidden">Details</legend>
            <input type="hidden" name="csrf" value="{{csrf}}">
            <input type="hidden" name="version" value="{{version}}">
            {{#isPerson}}
            <label for="firstName">First name</label><input id="firstName" name="firstName" value="{{firstName}}">
            <label for="lastName">Last name</label><input id="lastName" name="lastName" value="{{lastName}}">
            {{/isPerson}}
            {{^isPerson}}
            <label for="name">Name</label><input id="name" name="name" value="{{name}}">
            {{/isPerson}}
            <label for="email">Email</label><input id="email" name="email" type="text" inputmode="email" autocomplete="email" value="{{email}}">
            <label for="phone">Phone</label><input id="phone" name="phone" value="{{phone}}">
            <label for="website">Website</label><input id="website" name="website" value="{{website}}">
            <label for="customerType">Customer type</label>
            <select id="customerType" name="customerType">{{#customerTypes}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/customerTypes}}</select>
            <label for="note">Note</label><textarea id="note" name="note" rows="3">{{note}}</textarea>
            {{#canEdit}}<button type="submit" id="save">Save</button>{{/canEdit}}
            </fieldset>
          </form>
          <dl class="facts">
            <dt>Roles</dt><dd>{{roles}}{{^roles}}none{{/roles}}</dd>
            <dt>Email domains</dt><dd>{{emailDomains}}{{^emailDomains}}none{{/emailDomains}}</dd>
            {{#properties}}<dt>{{key}}</dt><dd>{{value}}</dd>{{/properties}}
            <dt>Id</dt><dd><code>{{id}}</code></dd>
          </dl>
        </section>
        <section class="card">
          <h2>State</h2>
          {{#canWrite}}{{#hasStateChoices}}
          <form method="post" action="/ui/t/{{tenant}}/parties/{{id}}/state" id="state-form">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <input type="hidden" name="version" value="{{version}}">
            <label for="to">New state</label>
            <select id="to" name="state">{{#stateChoices}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/stateChoices}}</select>
            <label for="reason">Reason</label><input id="reason" name="reason" maxlength="500" value="{{stateReason}}">
            <button type="submit" id="change-state">Change state</button>
          </form>
          {{/hasStateChoices}}{{/canWrite}}
          {{#canWrite}}{{#canRestore}}
          <p>This party is deleted: it is kept, with its history, until it is restored or erased.</p>
          <form method="post" action="/ui/t/{{tenant}}/parties/{{id}}/state" id="restore-form">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <input type="hidden" name="version" value="{{version}}">
            <input type="hidden" name="state" value="active">
            <label for="restore-reason">Reason</label><input id="restore-reason" name="reason" maxlength="500" value="{{stateReason}}">
            <button type="submit" id="restore">Restore</button>
          </form>
          {{/canRestore}}{{/canWrite}}
          <h3>History</h3>
          <table id="history">
            <thead><tr><th scope="col">At</th><th scope="col">From</th><th scope="col">To</th><th scope="col">By</th><th scope="col">Reason</th></tr></thead>
            <tbody>
            {{#history}}<tr><td>{{at}}</td><td>{{from}}</td><td>{{to}}</td><td>{{actor}}</td><td>{{reason}}</td></tr>{{/history}}
            </tbody>
          </table>
          <h3>Tags</h3>
          {{^tags}}<p class="empty">No tags.</p>{{/tags}}
          <ul class="tags">{{#tags}}<li class="tag" style="--tag: {{color}}">{{text}}
            {{#canEdit}}<form method="post" action="/ui/t/{{tenant}}/parties/{{partyID}}/tags/{{id}}/remove" class="inline">
              <input type="hidden" name="csrf" value="{{csrf}}">
              <button type="submit" class="remove" aria-label="Remove the tag {{text}}">×</button>
            </form>{{/canEdit}}</li>{{/tags}}</ul>
          {{#canEdit}}
          <form method="post" action="/ui/t/{{tenant}}/parties/{{id}}/tags" id="tag-form" class="inline-form">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label for="tag-text">Add a tag</label>
            <input id="tag-text" name="text" required maxlength="100" value="{{tagText}}">
            <button type="submit" id="add-tag">Add</button>
          </form>
          {{/canEdit}}
        </section>
        </div>
        <section class="card" id="relationships">
          <h2>Relationships</h2>
          {{^hasTree}}<p class="empty">No relationships in force.</p>{{/hasTree}}
          {{#trees}}
          <h3>{{type}}</h3>
          <ul class="tree">
            {{#ancestors}}<li class="ancestor" style="--depth: {{indent}}"><span class="visually-hidden">level {{level}}: </span><a href="/ui/t/{{tenant}}/parties/{{id}}">{{displayName}}</a></li>{{/ancestors}}
            <li class="self" style="--depth: {{selfIndent}}" aria-current="page"><span class="visually-hidden">level {{selfLevel}}: </span><strong>{{displayName}}</strong></li>
            {{#descendants}}<li class="descendant" style="--depth: {{indent}}"><span class="visually-hidden">level {{level}}: </span><a href="/ui/t/{{tenant}}/parties/{{id}}">{{displayName}}</a>{{#role}} <span class="role">({{role}})</span>{{/role}}{{#repeated}} <span class="meta">(also shown above)</span>{{/repeated}}</li>{{/descendants}}
          </ul>
          {{#more}}<p class="meta">Only the first {{shown}} parties below are shown.</p>{{/more}}
          {{/trees}}
          {{#relationForm}}
          <form method="post" action="/ui/t/{{tenant}}/parties/{{id}}/relationships" id="relate-form">
            <h3>Add a relationship</h3>
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label for="relate-direction">This party is</label>
            <select id="relate-direction" name="direction"><option value="below"{{#below}} selected{{/below}}>below the other party (its child)</option><option value="above"{{#above}} selected{{/above}}>above the other party (its parent)</option></select>
            <label for="relate-other">The other party's id</label><input id="relate-other" name="otherId" value="{{otherID}}" autocomplete="off">
            <label for="relate-type">Type (structure, partnership, employment, ...)</label><input id="relate-type" name="type" value="{{type}}">
            <label for="relate-role">Role (optional: region, farm, contact, ...)</label><input id="relate-role" name="role" value="{{role}}">
            <button type="submit" id="relate">Add</button>
          </form>
          {{/relationForm}}
        </section>
        <div class="columns">
        <section class="card" id="accounts">
          <h2 id="accounts-title">Partner accounts</h2>
          {{#accounts}}
          {{#refused}}<p class="empty">{{refused}}</p>{{/refused}}
          {{^refused}}{{^hasRows}}<p class="empty">No partner accounts.</p>{{/hasRows}}{{/refused}}
          {{#hasRows}}
          <table>
            <thead><tr><th scope="col">Username</th><th scope="col">This party is</th><th scope="col">Other party</th><th scope="col">Secret</th>{{#canWrite}}<th scope="col">Change</th>{{/canWrite}}</tr></thead>
            <tbody>
            {{#rows}}
            <tr>
              <td>{{username}}{{^active}} <span class="badge">inactive</span>{{/active}}</td>
              <td>{{role}}</td>
              <td><a href="/ui/t/{{tenant}}/parties/{{otherID}}">{{otherID}}</a></td>
              <td>
                {{^canReveal}}<span class="meta">needs credentials.reveal</span>{{/canReveal}}
                {{#canReveal}}
                <form method="post" action="/ui/t/{{tenant}}/accounts/{{id}}/reveal" class="reveal">
                  <input type="hidden" name="csrf" value="{{csrf}}">
                  <label class="check" id="reveal-{{id}}-label"><input type="checkbox" name="confirm" value="yes" required aria-labelledby="accounts-title reveal-{{id}}-label"> I need to see it (the reveal is audited)</label>
                  <button type="submit" class="reveal-button">Reveal</button>
                </form>
                {{/canReveal}}
              </td>
              {{#canWrite}}
              <td>
                <details class="account-change">
                  <summary>Change</summary>
                  <form method="post" action="/ui/t/{{tenant}}/parties/{{partyID}}/accounts/{{id}}/edit" class="account-edit">
                    <input type="hidden" name="csrf" value="{{csrf}}">
                    <input type="hidden" name="version" value="{{version}}">
                    <label for="account-{{id}}-username">Username</label>
                    <input id="account-{{id}}-username" name="username" value="{{username}}" autocomplete="off">
                    <label for="account-{{id}}-secret">New secret (leave empty to keep it)</label>
                    <input id="account-{{id}}-secret" name="secret" type="password" autocomplete="new-password">
                    <label class="check" id="account-{{id}}-active"><input type="checkbox" name="active" value="yes"{{#active}} checked{{/active}} aria-labelledby="accounts-title account-{{id}}-active"> Active</label>
                    <button type="submit">Save</button>
                  </form>
                  <form method="post" action="/ui/t/{{tenant}}/parties/{{partyID}}/accounts/{{id}}/delete" class="account-delete">
                    <input type="hidden" name="csrf" value="{{csrf}}">
                    <input type="hidden" name="version" value="{{version}}">
                    <label class="check" id="account-{{id}}-delete"><input type="checkbox" name="confirm" value="yes" required aria-labelledby="accounts-title account-{{id}}-delete"> Delete it and its secret for good</label>
                    <button type="submit" class="danger">Delete</button>
                  </form>
                </details>
              </td>
              {{/canWrite}}
            </tr>
            {{/rows}}
            </tbody>
          </table>
          {{/hasRows}}
          {{/accounts}}
          {{#newAccount}}
          <form method="post" action="/ui/t/{{tenant}}/parties/{{id}}/accounts" id="add-account">
            <h3>Add an account</h3>
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label for="account-other">{{otherLabel}}</label>
            <input id="account-other" name="{{otherField}}" value="{{otherID}}" autocomplete="off">
            <label for="account-username">Username</label>
            <input id="account-username" name="username" value="{{username}}" autocomplete="off">
            <label for="account-secret">Secret</label>
            <input id="account-secret" name="secret" type="password" autocomplete="new-password">
            <label class="check" id="account-new-active"><input type="checkbox" name="active" value="yes"{{#active}} checked{{/active}} aria-labelledby="accounts-title account-new-active"> Active</label>
            <button type="submit">Add</button>
          </form>
          {{/newAccount}}
        </section>
        <section class="card" id="consents">
          <h2>Consents</h2>
          {{#consents}}
          {{#refused}}<p class="empty">{{refused}}</p>{{/refused}}
          {{^refused}}{{^hasRows}}<p class="empty">No consent recorded.</p>{{/hasRows}}{{/refused}}
          {{#hasRows}}
          <table>
            <thead><tr><th scope="col">Purpose</th><th scope="col">Status</th><th scope="col">Since</th><th scope="col">Source</th></tr></thead>
            <tbody>{{#rows}}<tr><td>{{purpose}}</td><td>{{status}}</td><td>{{at}}</td><td>{{source}}</td></tr>{{/rows}}</tbody>
          </table>
          {{/hasRows}}
          {{/consents}}
          {{#consentForm}}
          <form method="post" action="/ui/t/{{tenant}}/parties/{{id}}/consents" id="consent-form">
            <h3>Record a consent</h3>
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label for="consent-purpose">Purpose</label><input id="consent-purpose" name="purpose" value="{{purpose}}">
            <label for="consent-status">Status</label>
            <select id="consent-status" name="status"><option value="granted"{{#granted}} selected{{/granted}}>granted</option><option value="withdrawn"{{#withdrawn}} selected{{/withdrawn}}>withdrawn</option></select>
            <label for="consent-source">Source (where it was given: a form, a call, ...)</label><input id="consent-source" name="source" value="{{source}}">
            <button type="submit" id="record-consent">Record</button>
          </form>
          {{/consentForm}}
        </section>
        </div>
        <section class="card" id="audit">
          <h2>Audit trail</h2>
          {{#audit}}
          {{#refused}}<p class="empty">{{refused}}</p>{{/refused}}
          {{^refused}}{{^hasRows}}<p class="empty">No entries.</p>{{/hasRows}}{{/refused}}
          {{#hasRows}}
          <table>
            <thead><tr><th scope="col">#</th><th scope="col">At</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Fields</th></tr></thead>
            <tbody>{{#rows}}<tr><td>{{seq}}</td><td>{{at}}</td><td>{{actor}}</td><td>{{action}}</td><td>{{fields}}</td></tr>{{/rows}}</tbody>
          </table>
          {{/hasRows}}
          {{/audit}}
          {{#auditMore}}<p class="meta">The 20 newest are shown.</p>{{/auditMore}}
          <p class="meta">Changes and disclosures (reveals, exports) of the party and of its relationships, partner accounts and login; reads are left out here. <a href="/ui/t/{{tenant}}/audit?targetId={{id}}" id="audit-all">Every entry about the party itself, reads included</a></p>
        </section>
        <section class="card" id="gdpr-export">
          <h2>The party's data</h2>
          <p>Everything Roster holds about this party, as JSON (GDPR Art. 15 and 20); the export is audited.</p>
          <form method="post" action="/ui/t/{{tenant}}/parties/{{id}}/export">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <button type="submit" id="export-party">Download the party's data</button>
          </form>
        </section>
        {{#canErase}}
        <section class="card danger" id="erase">
          <h2>Erase</h2>
          <p>Erasing removes this party's personal data for good (GDPR Art. 17): its record, history, tags, consents, accounts,
          relationships and the user linked to it (its login); the audit keeps only that an erasure happened. It needs the
          <code>parties.erase</code> policy, and <code>users.manage</code> for a linked user.</p>
          <form method="post" action="/ui/t/{{tenant}}/parties/{{id}}/erase" id="erase-form">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label class="check"><input type="checkbox" name="keepLogin" value="yes" id="keep-login"> Keep its login, unlinked, with its email and name (not erased then; needs no <code>users.manage</code>)</label>
            <label for="confirm-erase">Type ERASE to confirm</label>
            <input id="confirm-erase" name="confirm" autocomplete="off" required pattern="ERASE">
            <button type="submit" class="danger" id="erase-button">Erase this party</button>
          </form>
        </section>
        {{/canErase}}
        """

    static let secret = """
        <p class="crumbs"><a href="/ui/t/{{tenant}}/parties/{{customerID}}">Customer</a> · <a href="/ui/t/{{tenant}}/parties/{{partnerID}}">Partner</a></p>
        <h1>Secret of account {{username}}</h1>
        <p>This reveal was recorded in the audit log. The secret is shown once, on this page only.</p>
        <p class="secret"><code id="secret">{{secret}}</code></p>
        """

    static let audit = """
        <h1>Audit log of {{tenant}}</h1>
        <form method="get" action="/ui/t/{{tenant}}/audit" class="filters" role="search">
          <div><label for="targetId">Target id</label><input id="targetId" name="targetId" value="{{targetId}}"></div>
          <div><label for="action">Action</label><input id="action" name="action" value="{{action}}" placeholder="party.read"></div>
          <div><label for="actor">Actor</label><input id="actor" name="actor" value="{{actor}}" placeholder="user:…"></div>
          <div><button type="submit" id="filter">Filter</button></div>
          <div><button type="submit" name="verify" value="1" id="verify">Verify the chain</button></div>
        </form>
        {{#verification}}
        <section class="card" id="verification" role="status">
          {{#valid}}<p class="flash"><strong>The chain is intact.</strong> {{checked}} entries checked; {{count}} in all.</p>{{/valid}}
          {{^valid}}<p class="error"><strong>The chain is broken</strong> at entry {{brokenAt}}: {{reason}}</p>{{/valid}}
        </section>
        {{/verification}}
        {{^hasItems}}<p class="empty">No entries.</p>{{/hasItems}}
        {{#hasItems}}
        <table id="entries">
          <thead><tr><th scope="col">#</th><th scope="col">At</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Fields</th></tr></thead>
          <tbody>
          {{#items}}
          <tr><td>{{seq}}</td><td>{{at}}</td><td>{{actor}}</td><td>{{action}}</td>
            <td>{{targetType}} {{#isParty}}<a href="/ui/t/{{tenant}}/parties/{{targetID}}">{{targetID}}</a>{{/isParty}}{{^isParty}}{{targetID}}{{/isParty}}</td>
            <td>{{fields}}</td></tr>
          {{/items}}
          </tbody>
        </table>
        {{/hasItems}}
        {{#nextURL}}<p><a href="{{nextURL}}" rel="next">Older entries</a></p>{{/nextURL}}
        """

    static let access = """
        <h1>Roles and access of {{tenant}}</h1>
        <section class="card" id="check">
          <h2>Access check</h2>
          <p>May this user do this on this party, and why? Leave the date empty for now; give one to ask how things stood then.
            Find a user's email or id on the <a href="/ui/t/{{tenant}}/users">users</a> page.</p>
          <form method="get" action="/ui/t/{{tenant}}/access" class="filters">
            <div><label for="user">User (email or id)</label><input id="user" name="user" value="{{user}}" required></div>
            <div><label for="policy">Policy</label><select id="policy" name="policy">{{#policies}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/policies}}</select></div>
            <div><label for="party">Party id</label><input id="party" name="party" value="{{party}}" required></div>
            <div><label for="at">As of (UTC)</label><input id="at" name="at" type="datetime-local" step="1" value="{{at}}"></div>
            <div><button type="submit" id="check-button">Check</button></div>
          </form>
          {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
          {{#decision}}
          <div id="decision" role="status">
            {{#allowed}}<p class="flash"><strong>Allowed.</strong> {{reason}}</p>{{/allowed}}
            {{^allowed}}<p class="error"><strong>Denied.</strong> {{reason}}</p>{{/allowed}}
            {{#role}}<p>Role: <strong>{{role}}</strong></p>{{/role}}
            {{#hasPath}}<p>Path:</p><ol class="path">{{#path}}<li><a href="/ui/t/{{tenant}}/parties/{{id}}">{{name}}</a></li>{{/path}}</ol>{{/hasPath}}
            {{#asOf}}<p class="meta">As of {{asOf}}.</p>{{/asOf}}
          </div>
          {{/decision}}
        </section>
        {{#canManage}}
        <div class="columns">
        <section class="card" id="grants">
          <h2>Grant or revoke a role</h2>
          {{#grantNotice}}<p class="flash" role="status">{{grantNotice}}</p>{{/grantNotice}}
          {{#hasGrantErrors}}<div class="error" role="alert"><ul>{{#grantErrors}}<li><strong>{{field}}</strong>: {{message}}</li>{{/grantErrors}}</ul></div>{{/hasGrantErrors}}
          <form method="post" action="/ui/t/{{tenant}}/grants">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label for="grant-user">User (email or id)</label>
            <input id="grant-user" name="user" value="{{grantUser}}" required>
            <label for="grant-role">Role</label>
            <select id="grant-role" name="role" required><option value="">Choose a role</option>{{#roleChoices}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/roleChoices}}</select>
            <label for="grant-from">Valid from (UTC, optional)</label>
            <input id="grant-from" name="validFrom" type="datetime-local" step="1" value="{{grantFrom}}">
            <label for="grant-to">Valid until (UTC, optional, exclusive)</label>
            <input id="grant-to" name="validTo" type="datetime-local" step="1" value="{{grantTo}}">
            <button type="submit" name="action" value="grant" id="grant">Grant</button>
            <button type="submit" name="action" value="revoke" id="revoke" class="secondary">Revoke</button>
          </form>
        </section>
        <section class="card" id="new-role">
          <h2>New role</h2>
          {{#hasRoleErrors}}<div class="error" role="alert"><ul>{{#roleErrors}}<li><strong>{{field}}</strong>: {{message}}</li>{{/roleErrors}}</ul></div>{{/hasRoleErrors}}
          <form method="post" action="/ui/t/{{tenant}}/roles">
            <input type="hidden" name="csrf" value="{{csrf}}">
            {{#roleForm}}
            <label for="role-name">Name</label><input id="role-name" name="name" value="{{name}}" required>
            <fieldset><legend>Policies</legend>
              {{#allPolicies}}<label class="check"><input type="checkbox" name="policy.{{value}}" value="on"{{#selected}} checked{{/selected}}> {{label}}</label>{{/allPolicies}}
              <label for="role-other">Other policies, for other apps (separated by spaces or commas, e.g. approve_tree)</label>
              <input id="role-other" name="otherPolicies" value="{{otherPolicies}}">
            </fieldset>
            <label for="role-org">Organization id (empty: the whole tenant)</label><input id="role-org" name="organizationId" value="{{organizationId}}">
            <label for="role-type">Relationship type (empty: any)</label><input id="role-type" name="relationshipType" value="{{relationshipType}}">
            {{/roleForm}}
            <button type="submit" id="create-role">Create role</button>
          </form>
        </section>
        </div>
        {{/canManage}}
        <section class="card" id="roles">
          <h2>Roles</h2>
          {{^hasRoles}}<p class="empty">No roles yet.</p>{{/hasRoles}}
          {{#hasRoles}}
          <table>
            <thead><tr><th scope="col">Name</th><th scope="col">Policies</th><th scope="col">Organization</th><th scope="col">Relationship type</th>{{#canManage}}<th scope="col"><span class="visually-hidden">Delete</span></th>{{/canManage}}</tr></thead>
            <tbody>
            {{#roles}}<tr><td>{{name}}</td><td>{{policies}}</td>
              <td>{{#organizationID}}<a href="/ui/t/{{tenant}}/parties/{{organizationID}}">{{organizationID}}</a>{{/organizationID}}{{^organizationID}}tenant-wide{{/organizationID}}</td>
              <td>{{relationshipType}}{{^relationshipType}}any{{/relationshipType}}</td>
              {{#canManage}}<td><form method="post" action="/ui/t/{{tenant}}/roles/{{id}}/delete" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><label class="check"><input type="checkbox" name="confirm" value="yes" required aria-label="Every grant of {{name}} ends"> its grants end</label><button type="submit" class="danger small" aria-label="Delete role {{name}}">Delete</button></form></td>{{/canManage}}</tr>{{/roles}}
            </tbody>
          </table>
          {{/hasRoles}}
        </section>
        """

    static let users = """
        <h1>Users of {{tenant}}</h1>
        <form method="get" action="/ui/t/{{tenant}}/users" class="filters" role="search">
          <div><label for="user-q">Search</label><input id="user-q" name="q" value="{{q}}" placeholder="name or email"></div>
          <div><label for="user-segment">Segment</label><select id="user-segment" name="segment">{{#segments}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/segments}}</select></div>
          <div><button type="submit" id="user-search">Search</button></div>
        </form>
        {{^hasItems}}<p class="empty">No user matches.</p>{{/hasItems}}
        {{#hasItems}}
        <table id="users">
          <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Employee id</th><th scope="col">Designation</th><th scope="col">Person</th><th scope="col">Access</th></tr></thead>
          <tbody>
          {{#items}}
          <tr><td>{{name}}{{^active}} <span class="badge">inactive</span>{{/active}}</td><td>{{email}}</td><td>{{role}}</td><td>{{employeeID}}</td><td>{{designation}}</td>
            <td>{{#partyID}}<a href="/ui/t/{{tenant}}/parties/{{partyID}}">person</a>{{/partyID}}</td>
            <td><a href="/ui/t/{{tenant}}/access?user={{id}}#check">check</a></td></tr>
          {{/items}}
          </tbody>
        </table>
        {{/hasItems}}
        {{#nextURL}}<p><a href="{{nextURL}}" rel="next">Next page</a></p>{{/nextURL}}
        {{#canImport}}
        <section class="card" id="dealer-import">
          <h2>Import dealers</h2>
          <p>CSV with a header row: <code>email</code>, <code>displayName</code>, <code>dealerCode</code>. Existing users are matched by email and
          keep their role and sign-in; a second import of the same file changes nothing.</p>
          {{#report}}
          <div role="status" id="import-report">
            {{#refused}}<div class="error" role="alert"><p>Not imported:</p><ul>{{#errors}}<li>{{message}}</li>{{/errors}}</ul></div>{{/refused}}
            {{^refused}}
            <p class="flash">{{created}} created, {{updated}} updated, {{unchanged}} unchanged.</p>
            {{#hasErrors}}<div class="error"><p>Refused rows:</p><ul>{{#errors}}<li>row {{field}}: {{message}}</li>{{/errors}}</ul></div>{{/hasErrors}}
            {{/refused}}
          </div>
          {{/report}}
          <form method="post" action="/ui/t/{{tenant}}/users/import" id="dealer-form">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <div data-js-only hidden><label for="dealer-file">CSV file</label>
            <input id="dealer-file" type="file" accept=".csv,text/csv" data-fills="dealer-csv"></div>
            <label for="dealer-csv">The CSV (pasted, or from the file)</label>
            <textarea id="dealer-csv" name="csv" rows="6" required>{{csv}}</textarea>
            <button type="submit" id="import-dealers">Import</button>
          </form>
          <script src="/ui/static/roster.js"></script>
        </section>
        {{/canImport}}
        """

    static let imports = """
        <h1>Imports and exports of {{tenant}}</h1>
        {{#canImport}}
        <section class="card" id="import">
          <h2>Import</h2>
          <p>Parties or relationships, as CSV with a header row or as JSON Lines, with the same rules as the API.
          Large files are sent as they are, up to the server's import limit.</p>
          <details><summary>Columns</summary>
            <p>Parties: <code>kind</code> (person or organization), <code>firstName</code>, <code>lastName</code>, <code>name</code>,
            <code>email</code>, <code>phone</code>, <code>website</code>, <code>note</code>, <code>customerType</code>, <code>roles</code> and
            <code>tags</code> (separated by <code>;</code>), <code>properties.KEY</code>, <code>partnerId</code> or <code>partnerEmail</code>.</p>
            <p>Relationships: the child by <code>childId</code>, <code>childEmail</code>, <code>childPhone</code> or <code>childName</code>;
            the parent by <code>parentId</code>, <code>parentEmail</code> or <code>parentName</code> (names: an organization's exact name); <code>type</code>,
            <code>role</code>, <code>validFrom</code>, <code>validTo</code>.</p>
          </details>
          {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
          <form method="post" action="/ui/t/{{tenant}}/imports" id="import-form" data-upload="import-file">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <div class="filters">
              <div><label for="type">What</label><select id="type" name="type">{{#kinds}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/kinds}}</select></div>
              <div><label for="onDuplicate">A row matching a party or an edge</label><select id="onDuplicate" name="onDuplicate">{{#policies}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/policies}}</select></div>
              <div><label for="format">Format</label><select id="format" name="format">{{#formats}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/formats}}</select></div>
            </div>
            <div data-js-only hidden><label for="import-file">File</label>
            <input id="import-file" type="file" accept=".csv,.jsonl,.ndjson,text/csv,application/x-ndjson"></div>
            <label for="import-text">Rows (pasted here, or a file chosen above)</label>
            <textarea id="import-text" name="text" rows="6">{{text}}</textarea>
            <label class="check"><input type="checkbox" name="restart" value="true" id="restart"{{#restart}} checked{{/restart}}> From the first row (a file imported before goes on after the last row it committed; tick this to read every row again)</label>
            <p class="error" role="alert" id="upload-error" hidden></p>
            <button type="submit" id="start-import">Start the import</button>
          </form>
        </section>
        {{/canImport}}
        <section class="card" id="export">
          <h2>Export</h2>
          <p>Every party you may read, in the import's columns; each party's export is audited. A masked copy replaces personal
          values with consistent pseudonyms, for test tenants. The relationships between them come in the relationship import's
          columns: for a masked copy with its hierarchy, give both downloads the same mask key (the command line's
          <code>--mask-key</code> gives the same pseudonyms).</p>
          <form method="post" action="/ui/t/{{tenant}}/exports/parties" id="export-form">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <div class="filters">
              <div><label for="export-format">Format</label><select id="export-format" name="format">{{#exportFormats}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/exportFormats}}</select></div>
              <div><label class="check"><input type="checkbox" name="mask" value="true"> A masked copy</label></div>
              <div><label for="export-mask-key">Mask key (optional)</label><input type="password" id="export-mask-key" name="maskKey" maxlength="256" autocomplete="new-password"></div>
              <div><button type="submit" id="export-parties">Download parties</button>
                <button type="submit" id="export-relationships" formaction="/ui/t/{{tenant}}/exports/relationships">Download relationships</button></div>
            </div>
          </form>
        </section>
        {{#hasJobs}}
        <section class="card" id="jobs">
          <h2>Recent imports</h2>
          <table>
            <thead><tr><th scope="col">Started</th><th scope="col">Of</th><th scope="col">Status</th><th scope="col">Rows</th><th scope="col">Created</th><th scope="col">Refused</th></tr></thead>
            <tbody>
            {{#jobs}}<tr><td><a href="/ui/t/{{tenant}}/imports/{{id}}">{{startedAt}}</a></td><td>{{kind}}</td>
              <td><span class="badge badge-{{status}}">{{status}}</span></td><td>{{processed}}</td><td>{{created}}</td><td>{{refused}}</td></tr>{{/jobs}}
            </tbody>
          </table>
        </section>
        {{/hasJobs}}
        <script src="/ui/static/roster.js"></script>
        """

    static let importJob = """
        <p class="crumbs"><a href="/ui/t/{{tenant}}/imports">Imports</a> › {{id}}</p>
        <h1>Import of {{kind}} <span class="badge badge-{{status}}" id="job-status">{{status}}</span></h1>
        <p class="meta">{{format}}, a row matching a party: {{onDuplicate}}{{#running}}; this page reloads every two seconds{{/running}}.</p>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        {{#resumedAfter}}<p class="flash" role="status" id="resumed">This file was imported before: rows 1 to {{resumedAfter}} were not read again (the counts are of the rows after them). To read every row again, start it with "From the first row" ticked.</p>{{/resumedAfter}}
        <dl class="facts" id="counters">
          <dt>Processed</dt><dd id="processed">{{processed}}</dd>
          <dt>Created</dt><dd id="created">{{created}}</dd>
          <dt>Updated</dt><dd>{{updated}}</dd>
          <dt>Unchanged</dt><dd>{{unchanged}}</dd>
          <dt>Skipped</dt><dd>{{skipped}}</dd>
          <dt>Refused</dt><dd id="refused">{{refused}}</dd>
        </dl>
        {{#hasErrors}}
        <h2>Refused rows</h2>
        <table id="refused-rows">
          <thead><tr><th scope="col">Row</th><th scope="col">Field</th><th scope="col">Why</th></tr></thead>
          <tbody>{{#errors}}<tr><td>{{row}}</td><td>{{field}}</td><td>{{message}}</td></tr>{{/errors}}</tbody>
        </table>
        {{#nextURL}}<p><a href="{{nextURL}}" rel="next">More refused rows</a></p>{{/nextURL}}
        {{/hasErrors}}
        """

    /// The one script: a chosen file fills the textarea it names (`data-fills`), so that a form posts it as text.
    /// Without JavaScript, the text is pasted: the file inputs (`data-js-only`) are shown by the script only, since a form
    /// posted without it would not send the file.
    /// A form with `data-upload` sends its chosen file as the request body (streamed to the import, whatever its size)
    /// with the CSRF token in a header, then follows to the job's page.
    static let script = """
        document.querySelectorAll("[data-js-only]").forEach(function (element) { element.hidden = false; });
        document.querySelectorAll("input[type=file][data-fills]").forEach(function (input) {
          input.addEventListener("change", function () {
            var file = input.files[0];
            if (!file) return;
            file.text().then(function (text) { document.getElementById(input.dataset.fills).value = text; });
          });
        });
        document.querySelectorAll("form[data-upload]").forEach(function (form) {
          form.addEventListener("submit", function (event) {
            var file = document.getElementById(form.dataset.upload).files[0];
            if (!file) return;
            event.preventDefault();
            var fields = new FormData(form);
            var query = new URLSearchParams({type: fields.get("type"), onDuplicate: fields.get("onDuplicate"), format: fields.get("format"),
                                             restart: fields.get("restart") === "true" ? "true" : "false"});
            var shown = document.getElementById("upload-error");
            fetch(form.action + "/upload?" + query, {
              method: "POST", body: file, credentials: "same-origin",
              headers: {"Content-Type": fields.get("format") === "jsonl" ? "application/x-ndjson" : "text/csv", "X-CSRF-Token": fields.get("csrf")}
            }).then(function (response) {
              return response.json().then(function (answer) {
                if (response.ok) { window.location = answer.location; return; }
                shown.textContent = answer.detail || "The import was not started.";
                shown.hidden = false;
              });
            }).catch(function () { shown.textContent = "The file could not be sent."; shown.hidden = false; });
          });
        });
        """

    static let error = """
        <h1>{{heading}}</h1>
        <p class="error" role="alert">{{message}}</p>
        <p><a href="{{back}}">Back</a></p>
        """

    static let stylesheet = """
        :root { --ink: #1b1f24; --muted: #4d5560; --line: #c9ced6; --bg: #f7f8fa; --card: #fff; --accent: #0b57d0;
                --error: #a4161a; --ok: #1e6b33; font-family: system-ui, sans-serif; color: var(--ink); background: var(--bg); }
        body { margin: 0; line-height: 1.45; }
        a { color: var(--accent); }
        :focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
        .skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; }
        header.top { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; padding: .6rem 1.5rem; background: #13233a; color: #fff; }
        header.top a { color: #fff; } header.top nav { display: flex; flex-wrap: wrap; gap: .3rem 1rem; flex: 1; } .brand { font-weight: 700; }
        .who { color: #e6ebf2; } form.inline { display: inline; }
        main { max-width: 72rem; margin: 1.5rem auto; padding: 0 1.5rem; }
        h1, .crumbs { overflow-wrap: anywhere; } h1 { font-size: 1.6rem; margin: .2rem 0 .8rem; } h2 { font-size: 1.2rem; margin-top: 0; } h3 { font-size: 1rem; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 1rem 1.2rem; margin-bottom: 1rem; overflow-x: auto; }
        .columns > * { min-width: 0; }
        .columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); gap: 1rem; }
        label { display: block; font-weight: 600; margin-top: .6rem; }
        input, select, textarea { font: inherit; padding: .35rem .5rem; border: 1px solid #6b7480; border-radius: 4px; width: 100%; box-sizing: border-box; }
        button { font: inherit; margin-top: .8rem; padding: .4rem 1rem; border: 0; border-radius: 4px; background: var(--accent); color: #fff; cursor: pointer; }
        header.top button { margin: 0; background: #2c4a73; }
        .filters { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .5rem 1rem; align-items: end; margin-bottom: 1rem; }
        table { border-collapse: collapse; width: 100%; background: var(--card); }
        th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: break-word; }
        td { word-break: normal; overflow-wrap: anywhere; }
        .badge { display: inline-block; font-size: .8rem; padding: .05rem .5rem; border-radius: 999px; background: #e3e7ed; color: var(--ink); }
        .badge-active { background: #d6f0dc; color: var(--ok); } .badge-deleted, .badge-failed { background: #f8d7d8; color: var(--error); }
        .badge-suspended, .badge-pending { background: #fde8c8; color: #7a4100; } .badge-tracked { background: #d6f0dc; color: var(--ok); }
        button.small { font-size: .85rem; padding: .15rem .6rem; margin-top: .3rem; }
        .error { color: var(--error); } .flash { color: var(--ok); } .empty, .meta { color: var(--muted); }
        .facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin-top: 1rem; } .facts dt { font-weight: 600; } .facts dd { margin: 0; }
        .tags { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem; }
        .tag { border-left: .6rem solid var(--tag); padding: .1rem .5rem; border-radius: 4px; background: #eef1f5; }
        .tree { list-style: none; padding: 0; } .tree li { padding: .15rem 0 .15rem calc(var(--depth) * 1.4rem); }
        .danger h2 { color: var(--error); } button.danger { background: var(--error); }
        .check { font-weight: 400; display: flex; gap: .4rem; align-items: center; } .check input { width: auto; }
        form.reveal button { margin-top: .3rem; } .secret code { font-size: 1.2rem; padding: .3rem .6rem; background: #eef1f5; }
        .path { list-style: none; padding: 0; display: flex; flex-wrap: wrap; } .path li + li::before { content: "›"; padding: 0 .5rem; }
        button.secondary { background: #4d5560; } fieldset { border: 1px solid var(--line); margin-top: .6rem; }
        button.remove { margin: 0 0 0 .3rem; padding: 0 .4rem; background: transparent; color: var(--ink); font-size: 1rem; }
        fieldset.plain { border: 0; margin: 0; padding: 0; min-width: 0; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        .tree .self { font-weight: 700; } .role { color: var(--muted); } .crumbs { color: var(--muted); margin: 0; }
        /* A phone's width: the navigation wraps; a table keeps its words whole and scrolls inside its card. */
        @media (max-width: 40rem) {
          header.top, main { padding-left: .6rem; padding-right: .6rem; } main { margin-top: 1rem; }
          header.top nav { flex-basis: 100%; order: 3; }
          th, td { overflow-wrap: break-word; } .card { padding: .8rem; } main > table { display: block; overflow-x: auto; }
        }
        """
}
