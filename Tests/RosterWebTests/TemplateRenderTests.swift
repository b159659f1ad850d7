import Foundation
import Mustache
import RosterCore
import RosterService
import RosterStore
@testable import RosterWeb
import Testing

/// Every template rendered with empty, typical and hostile data: what a user typed comes out as text, never as markup.
@Suite struct TemplateRenderTests {
    static let hostile = "<script>alert(\"x\")</script>&\"'><img src=x onerror=alert(1)>"
    let library: MustacheLibrary

    init() throws {
        library = try WebConsole.makeLibrary()
    }

    func render(_ view: Any, _ template: String) throws -> String {
        try #require(library.render(view: view, withTemplate: template))
    }

    /// No hostile markup survives, and its escaped form is there.
    func expectEscaped(_ html: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!html.contains("<script>"), sourceLocation: sourceLocation)
        #expect(!html.contains("<img src=x"), sourceLocation: sourceLocation)
        #expect(html.contains("&lt;script&gt;"), sourceLocation: sourceLocation)
    }

    static func party(_ kind: Party.Kind = .person, text: String = "Ada", tags: [RosterCore.Tag] = []) -> Party {
        let tenant = Tenant.ID.make()
        var party = Party(id: .make(), tenantID: tenant, kind: kind, firstName: kind == .person ? text : nil,
                          lastName: kind == .person ? "Lovelace" : nil, name: kind == .organization ? text : nil,
                          email: try? EmailAddress("ada@example.com"), phone: PhoneNumber(storedDigits: "441234567890"),
                          website: "https://example.com", emailDomains: ["example.com"], note: text, customerType: .regular,
                          roles: ["customer", text], properties: ["color": .string(text), "seats": .int(3)],
                          createdAt: Date(timeIntervalSince1970: 1_700_000_000), updatedAt: Date(timeIntervalSince1970: 1_700_000_100),
                          version: 3)
        party.tags = tags
        return party
    }

    @Test func layoutSignedOutHasNoSignOut() throws {
        let html = try render(LayoutView(title: "Sign in", signedIn: false, who: "", csrf: "", platform: false, tenantSlug: nil,
                                         flash: nil, body: "<p>page</p>"), "layout")
        #expect(html.contains("<title>Sign in · Roster</title>"))
        #expect(html.contains("<p>page</p>"))
        #expect(!html.contains("sign-out"))
    }

    @Test func layoutSignedInEscapesWhoAndTenant() throws {
        let html = try render(LayoutView(title: Self.hostile, signedIn: true, who: Self.hostile, csrf: "c0ffee", platform: true,
                                         tenantSlug: "acme", flash: Self.hostile, body: ""), "layout")
        expectEscaped(html)
        #expect(html.contains("name=\"csrf\" value=\"c0ffee\""))
        #expect(html.contains("href=\"/ui/tenants\""))
        #expect(html.contains("href=\"/ui/t/acme/parties\""))
    }

    @Test func signIn() throws {
        let empty = try render(SignInView(csrf: "", error: nil), "sign-in")
        #expect(empty.contains("<label for=\"token\">Token</label>"))
        #expect(!empty.contains("role=\"alert\""))
        let hostile = try render(SignInView(csrf: Self.hostile, error: Self.hostile), "sign-in")
        expectEscaped(hostile)
        #expect(hostile.contains("role=\"alert\""))
    }

    @Test func tenants() throws {
        let empty = try render(TenantsView([], csrf: "tok"), "tenants")
        #expect(empty.contains("No tenants yet."))
        #expect(!empty.contains("<table"))
        #expect(empty.contains("<label for=\"slug\">Slug</label>"))
        let tenant = Tenant(id: .make(), slug: "acme", name: Self.hostile, status: .active, settings: TenantSettings(),
                            createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0), version: 1)
        var provisioning = Provisioning(admin: nil, tracking: Tracking(status: .failed, withContact: false), startedAt: Date())
        provisioning.phase = .active
        provisioning.tracking.attempts = 6
        provisioning.tracking.lastError = Self.hostile
        var view = TenantsView([ProvisionedTenant(tenant: tenant, provisioning: provisioning)], csrf: "tok")
        view.form.name = Self.hostile
        view.errors = [PartyView.FieldMessage(field: "slug", message: Self.hostile)]
        let typical = try render(view, "tenants")
        expectEscaped(typical)
        #expect(typical.contains("href=\"/ui/t/acme/parties\""))
        #expect(typical.contains("1970-01-01T00:00:00Z"))
        #expect(typical.contains("action=\"/ui/tenants/acme/tracking/retry\""), "failed tracking can be retried")
        #expect(typical.contains("6 attempts"))
        // Tracked at the first attempt: nothing to retry, no count of attempts.
        provisioning.tracking.status = .tracked
        provisioning.tracking.attempts = 0
        let tracked = try render(TenantsView([ProvisionedTenant(tenant: tenant, provisioning: provisioning)], csrf: "tok"), "tenants")
        #expect(!tracked.contains("tracking/retry") && !tracked.contains("attempt"))
        provisioning.tracking.attempts = 1
        #expect(try render(TenantsView([ProvisionedTenant(tenant: tenant, provisioning: provisioning)], csrf: "tok"), "tenants").contains("1 attempt<"))
    }

    func partiesView(_ items: [Party], text: String = "") -> PartiesView {
        PartiesView(tenant: "acme", q: text, role: text, tag: text, partnerId: "",
                    kinds: Option.choices(["person", "organization"], selected: "person", any: "any"),
                    customerTypes: Option.choices(["regular"], selected: nil, any: "any"),
                    states: Option.choices(["active"], selected: nil, any: "not deleted"),
                    items: items.map { PartyRow($0, tenant: "acme") }, nextURL: nil, error: text.isEmpty ? nil : text)
    }

    @Test func parties() throws {
        let empty = try render(partiesView([]), "parties")
        #expect(empty.contains("No party matches."))
        #expect(empty.contains("<option value=\"person\" selected>person</option>"))
        let typical = try render(partiesView([Self.party(), Self.party(.organization, text: "Acme Ltd")]), "parties")
        #expect(typical.contains(">Ada Lovelace</a>"))
        #expect(typical.contains(">Acme Ltd</a>"))
        #expect(typical.contains("ada@example.com"))
        let hostile = try render(partiesView([Self.party(text: Self.hostile)], text: Self.hostile), "parties")
        expectEscaped(hostile)
    }

    func tree(_ name: String) -> PartyView.Tree {
        let node = PartyView.TreeNode(tenant: "acme", id: "1", displayName: name, indent: 0, role: name)
        return PartyView.Tree(type: "organization", ancestors: [node], selfIndent: 1, displayName: name,
                              descendants: [PartyView.TreeNode(tenant: "acme", id: "2", displayName: name, indent: 2, role: nil)],
                              more: true, shown: 1)
    }

    @Test func partyEmpty() throws {
        let party = Party(id: .make(), tenantID: .make(), kind: .organization, name: "", createdAt: Date(), updatedAt: Date())
        let html = try render(PartyView(party, tenant: "acme", csrf: "t", history: [], trees: []), "party")
        #expect(html.contains("(no name)"))
        #expect(html.contains("No relationships in force."))
        #expect(html.contains("No tags."))
        #expect(html.contains("<label for=\"name\">Name</label>"))
        #expect(!html.contains("firstName"))
    }

    @Test func partyTypical() throws {
        let tag = RosterCore.Tag(id: .make(), tenantID: .make(), text: "VIP", color: "#1e6b33", createdAt: Date())
        let party = Self.party(tags: [tag])
        let change = StateChange(partyID: party.id, from: nil, to: .active, at: Date(timeIntervalSince1970: 1_700_000_000),
                                 actor: "system", reason: "created")
        var view = PartyView(party, tenant: "acme", csrf: "tok", history: [change], trees: [tree("Acme Ltd")])
        view.canWrite = true
        view.notice = "Saved."
        let html = try render(view, "party")
        #expect(html.contains("Ada Lovelace"))
        #expect(html.contains("name=\"version\" value=\"3\""))
        #expect(html.contains("value=\"441234567890\""))
        #expect(html.contains("<option value=\"regular\" selected>regular</option>"))
        #expect(html.contains("<option value=\"suspended\">suspended</option>"))
        #expect(!html.contains("<option value=\"active\">active</option>"), "the current state is no choice")
        #expect(html.contains("<option value=\"deleted\">deleted</option>") && !html.contains("restore-form"))
        #expect(html.contains("--tag: #1e6b33"))
        #expect(html.contains("action=\"/ui/t/acme/parties/\(party.id)/tags/\(tag.id)/remove\""))
        #expect(html.contains("aria-label=\"Remove the tag VIP\""))
        #expect(html.contains("Only the first 1 parties below are shown."))
        #expect(html.contains("<dt>seats</dt><dd>3</dd>"))
        #expect(html.contains("Saved."))
    }

    @Test func partyHostile() throws {
        let tag = RosterCore.Tag(id: .make(), tenantID: .make(), text: Self.hostile, color: "#000000", createdAt: Date())
        let party = Self.party(text: Self.hostile, tags: [tag])
        let change = StateChange(partyID: party.id, from: .active, to: .suspended, at: Date(), actor: Self.hostile, reason: Self.hostile)
        var view = PartyView(party, tenant: "acme", csrf: Self.hostile, history: [change], trees: [tree(Self.hostile)])
        view.conflict = Self.hostile
        view.errors = [PartyView.FieldMessage(field: Self.hostile, message: Self.hostile)]
        view.accounts = PartyView.Section([PartyView.Account(tenant: "acme", partyID: "p-1", id: "1", username: Self.hostile, role: "the partner",
                                                             otherID: "2", active: false, version: 1)])
        view.consents = PartyView.Section([PartyView.ConsentRow(purpose: "newsletter", status: "granted", at: "now", source: Self.hostile)])
        view.audit = PartyView.Section([PartyView.AuditRow(seq: 1, at: "now", actor: Self.hostile, action: "party.read", fields: Self.hostile)])
        let html = try render(view, "party")
        expectEscaped(html)
        #expect(!html.contains("\"'><img"))
    }

    @Test func deletedPartyOffersRestoreOnly() throws {
        var party = Self.party()
        party.state = .deleted
        var view = PartyView(party, tenant: "acme", csrf: "tok", history: [], trees: [])
        view.canWrite = true
        let html = try render(view, "party")
        #expect(html.contains("id=\"restore-form\"") && !html.contains("id=\"state-form\""))
    }

    @Test func aReadOnlyCallerIsOfferedNoChange() throws {
        let tag = RosterCore.Tag(id: .make(), tenantID: .make(), text: "VIP", color: "#1e6b33", createdAt: Date())
        var view = PartyView(Self.party(tags: [tag]), tenant: "acme", csrf: "tok", history: [], trees: [])
        view.accounts = PartyView.Section([PartyView.Account(tenant: "acme", partyID: "p-1", id: "acc-1", username: "login", role: "the customer",
                                                             otherID: "p-2", active: true, version: 1)])
        view.canErase = false
        let html = try render(view, "party")
        #expect(html.contains("id=\"read-only\"") && html.contains("<fieldset class=\"plain\" disabled>"))
        for form in ["id=\"save\"", "id=\"state-form\"", "id=\"tag-form\"", "/remove\"", "/reveal\"", "id=\"erase-form\""] {
            #expect(!html.contains(form), "\(form)")
        }
        #expect(html.contains("needs credentials.reveal") && html.contains("VIP"))
        view.canWrite = true
        view.canReveal = true
        view.canErase = true
        let writable = try render(view, "party")
        for form in ["id=\"save\"", "id=\"state-form\"", "id=\"tag-form\"", "/remove\"", "/reveal\"", "id=\"erase-form\""] {
            #expect(writable.contains(form), "\(form)")
        }
        #expect(!writable.contains("id=\"read-only\"") && !writable.contains(" disabled>"))
    }

    @Test func partySectionsTypicalAndRefused() throws {
        var view = PartyView(Self.party(), tenant: "acme", csrf: "tok", history: [], trees: [])
        view.canReveal = true
        view.accounts = PartyView.Section([PartyView.Account(tenant: "acme", partyID: "p-1", id: "acc-1", username: "login", role: "the customer",
                                                             otherID: "p-2", active: true, version: 1)])
        view.consents = PartyView.Section(refused: "Your roles don't cover this.")
        view.audit = PartyView.Section([])
        let html = try render(view, "party")
        #expect(html.contains("action=\"/ui/t/acme/accounts/acc-1/reveal\""))
        #expect(html.contains("href=\"/ui/t/acme/parties/p-2\""))
        #expect(html.contains("Your roles don&#39;t cover this."))
        #expect(!html.contains("No consent recorded."))
        #expect(html.contains("No entries."))
        #expect(html.contains("id=\"erase-form\""))
        let revealForm = try #require(html.range(of: "accounts/acc-1/reveal"))
        #expect(html[revealForm.upperBound...].prefix(200).contains("value=\"tok\""), "the reveal form carries the CSRF token")
    }

    @Test func secret() throws {
        let html = try render(SecretView(tenant: "acme", username: Self.hostile, secret: Self.hostile, partnerID: "p", customerID: "c"), "secret")
        expectEscaped(html)
    }

    static func entry(_ text: String, target: String? = "t-1") -> AuditEntry {
        AuditEntry(tenantID: .make(), seq: 7, at: Date(timeIntervalSince1970: 0), actor: text, action: "party.read", targetType: "party",
                   targetID: target, requestID: nil, fields: [text], prevHash: "", hash: "")
    }

    @Test func audit() throws {
        let empty = try render(AuditView(tenant: "acme", filter: AuditFilter(), entries: [], nextURL: nil, verification: nil), "audit")
        #expect(empty.contains("No entries.") && !empty.contains("id=\"verification\""))
        let broken = AuditVerification(valid: false, checked: 3, count: nil, brokenAt: 2, reason: Self.hostile)
        let hostile = try render(AuditView(tenant: "acme", filter: AuditFilter(targetID: Self.hostile, action: Self.hostile, actor: Self.hostile), entries: [Self.entry(Self.hostile)], nextURL: "/ui/x?c=1",
                                           verification: broken), "audit")
        expectEscaped(hostile)
        #expect(hostile.contains("The chain is broken</strong> at entry 2"))
        #expect(hostile.contains("href=\"/ui/t/acme/parties/t-1\""))
        let intact = try render(AuditView(tenant: "acme", filter: AuditFilter(), entries: [Self.entry("platform:x")], nextURL: nil,
                                          verification: AuditVerification(valid: true, checked: 5, count: 5)), "audit")
        #expect(intact.contains("The chain is intact.</strong> 5 entries checked; 5 in all."))
    }

    @Test func access() throws {
        let empty = try render(AccessView(tenant: "acme", roles: [], user: "", policy: nil, party: "", at: ""), "access")
        #expect(empty.contains("No roles yet.") && !empty.contains("id=\"decision\""))
        #expect(empty.contains("<input id=\"user\" name=\"user\" value=\"\" required>"))
        #expect(empty.contains("<input type=\"checkbox\" name=\"policy.parties.read\" value=\"on\"> parties.read</label>"))
        #expect(empty.contains("<option value=\"parties.read\" selected>parties.read</option>"))
        let role = AccessRole(id: .make(), tenantID: .make(), name: Self.hostile, policies: ["parties.read"], organizationID: nil,
                              relationshipType: nil, createdAt: Date())
        var view = AccessView(tenant: "acme", roles: [role], user: Self.hostile, policy: "parties.write", party: Self.hostile, at: "")
        view.decision = AccessView.Decision(allowed: false, reason: Self.hostile, role: Self.hostile,
                                            path: [AccessView.PathStep(tenant: "acme", id: "p", name: Self.hostile)], hasPath: true, asOf: "then")
        view.error = Self.hostile
        let hostile = try render(view, "access")
        expectEscaped(hostile)
        #expect(hostile.contains("<strong>Denied.</strong>") && hostile.contains("tenant-wide") && hostile.contains("As of then."))
        #expect(hostile.contains("<option value=\"\(role.id)\">&lt;script&gt;"), "the role is a grant choice, escaped")
        view.roleErrors = [PartyView.FieldMessage(field: "policies", message: Self.hostile)]
        view.grantErrors = [PartyView.FieldMessage(field: "user", message: Self.hostile)]
        view.grantNotice = Self.hostile
        view.grantUser = Self.hostile
        // A refused role form comes back as it was typed, escaped.
        view.roleForm = AccessView.RoleForm(name: Self.hostile, otherPolicies: Self.hostile, organizationId: Self.hostile, relationshipType: Self.hostile)
        view.allPolicies[1].selected = true
        let refused = try render(view, "access")
        expectEscaped(refused)
        #expect(refused.contains("name=\"policy.\(view.allPolicies[1].value)\" value=\"on\" checked>"))
        #expect(!refused.contains("name=\"policy.\(view.allPolicies[0].value)\" value=\"on\" checked>"))
        #expect(refused.components(separatedBy: "value=\"&lt;script&gt;").count - 1 == 7, "user, party, grant user, name, other, organization, type")
        view.decision?.asOf = nil
        view.at = "2020-01-01T00:00"
        #expect(!(try render(view, "access")).contains("class=\"meta\">As of"), "no instant, no 'as of' (the form's field is another value)")
    }

    @Test func users() throws {
        let empty = try render(UsersView(tenant: "acme", csrf: "tok", q: "", segments: ["dealer"], segment: nil, users: [], nextURL: nil), "users")
        #expect(empty.contains("No user matches.") && empty.contains("<textarea id=\"dealer-csv\" name=\"csv\""))
        #expect(empty.contains("src=\"/ui/static/roster.js\""))
        #expect(empty.contains(#"<option value="" selected>any</option><option value="dealer">dealer</option></select>"#))
        let user = User(id: .make(), tenantID: .make(), email: try? EmailAddress("u@example.com"), displayName: Self.hostile, role: .user,
                        isActive: false, createdAt: Date(), updatedAt: Date())
        var view = UsersView(tenant: "acme", csrf: "tok", q: Self.hostile, segments: ["dealer"], segment: Self.hostile, users: [user], nextURL: nil)
        view.csv = Self.hostile
        view.report = UsersView.Report(created: 1, updated: 2, unchanged: 3, errors: [PartyView.FieldMessage(field: "2 email", message: Self.hostile)],
                                       hasErrors: true)
        let hostile = try render(view, "users")
        expectEscaped(hostile)
        #expect(hostile.contains("1 created, 2 updated, 3 unchanged.") && hostile.contains("inactive")
                && hostile.contains(" selected>&lt;") && !hostile.contains("<option value=\"\" selected>"))
    }

    @Test func imports() throws {
        let empty = try render(ImportsView(tenant: "acme", csrf: "tok"), "imports")
        #expect(empty.contains("<option value=\"parties\" selected>parties</option>") && empty.contains("<option value=\"skip\" selected>skip it</option>"))
        #expect(empty.contains("data-upload=\"import-file\"") && !empty.contains("role=\"alert\">"))
        // Without JavaScript a chosen file would not be sent: the file input is the script's to show.
        #expect(empty.contains(#"<div data-js-only hidden><label for="import-file">"#))
        // The columns are said on the page (the guide is a file of the source, not of the server).
        #expect(empty.contains("<summary>Columns</summary>") && empty.contains("<code>partnerEmail</code>") && empty.contains("<code>parentName</code>"))
        #expect(Templates.script.contains(#"querySelectorAll("[data-js-only]")"#))
        var view = ImportsView(tenant: "acme", csrf: "tok")
        view.text = Self.hostile
        view.error = Self.hostile
        expectEscaped(try render(view, "imports"))
    }

    @Test func importJob() throws {
        var job = ImportJob(id: .make(), tenantID: .make(), kind: .parties, format: "csv", onDuplicate: "skip", status: .running,
                            actor: "platform:x", createdAt: Date())
        job.processed = 10
        let running = try render(ImportJobView(job, tenant: "acme"), "import-job")
        #expect(running.contains("id=\"job-status\">running") && running.contains("reloads every two seconds") && !running.contains("Refused rows"))
        job.status = .failed
        job.error = Self.hostile
        var view = ImportJobView(job, tenant: "acme")
        view.errors = [ImportJobView.RowError(row: 3, field: Self.hostile, message: Self.hostile)]
        view.hasErrors = true
        let failed = try render(view, "import-job")
        expectEscaped(failed)
        #expect(failed.contains("Refused rows") && !failed.contains("reloads"))
    }

    @Test func error() throws {
        let html = try render(ErrorView(heading: "Not found", message: Self.hostile, back: "/ui"), "error")
        expectEscaped(html)
        #expect(html.contains("<h1>Not found</h1>"))
    }
}
