import Foundation
import RosterCore
import RosterService
import RosterStore

/// The audit log of a tenant: entries newest first, a target filter, and the chain check.
struct AuditView {
    struct Row {
        var tenant: String
        var seq: Int64
        var at: String
        var actor: String
        var action: String
        var targetType: String
        var targetID: String
        var isParty: Bool
        var fields: String
    }

    struct Verification {
        var valid: Bool
        var checked: Int64
        var count: String
        var brokenAt: String?
        var reason: String?
    }

    var tenant: String
    var targetId: String
    var action: String
    var actor: String
    var items: [Row]
    var hasItems: Bool
    var nextURL: String?
    var verification: Verification?

    init(tenant: String, filter: AuditFilter, entries: [AuditEntry], nextURL: String?, verification: AuditVerification?) {
        self.tenant = tenant
        targetId = filter.targetID ?? ""
        action = filter.action ?? ""
        actor = filter.actor ?? ""
        items = entries.map {
            Row(tenant: tenant, seq: $0.seq, at: WebFormat.date($0.at), actor: $0.actor, action: $0.action, targetType: $0.targetType ?? "",
                targetID: $0.targetID ?? "", isParty: $0.targetType == "party" && $0.targetID != nil, fields: $0.fields.joined(separator: ", "))
        }
        hasItems = !items.isEmpty
        self.nextURL = nextURL
        self.verification = verification.map {
            Verification(valid: $0.valid, checked: $0.checked, count: $0.count.map(String.init) ?? "not read to its end",
                         brokenAt: $0.brokenAt.map(String.init), reason: $0.reason)
        }
    }
}

/// Roles, and the access check: may this user do that on this party (now, or as of a date), and why.
struct AccessView {
    /// The grant, new-role and delete forms are shown (`Navigation.manageRoles`).
    var canManage = true
    struct RoleRow {
        var tenant: String
        var id: String
        var name: String
        var policies: String
        var organizationID: String?
        var relationshipType: String?
    }

    struct PathStep {
        var tenant: String
        var id: String
        var name: String
    }

    struct Decision {
        var allowed: Bool
        var reason: String
        var role: String?
        var path: [PathStep]
        var hasPath: Bool
        /// Named apart from the form's `at`: a missing value would otherwise be looked up there.
        var asOf: String?
    }

    /// What the new-role form holds: empty, or what was typed when it was refused.
    struct RoleForm {
        var name = ""
        var otherPolicies = ""
        var organizationId = ""
        var relationshipType = ""
    }

    var tenant: String
    var csrf: String = ""
    var roles: [RoleRow]
    var hasRoles: Bool
    var roleChoices: [Option]
    /// Roster's policies as the new-role form's boxes, checked as they were when it was refused.
    var allPolicies: [Option]
    var roleForm = RoleForm()
    var grantNotice: String?
    var roleErrors: [PartyView.FieldMessage] = [] { didSet { hasRoleErrors = !roleErrors.isEmpty } }
    var hasRoleErrors = false
    var grantErrors: [PartyView.FieldMessage] = [] { didSet { hasGrantErrors = !grantErrors.isEmpty } }
    var hasGrantErrors = false
    /// The user fields take an email or an id, typed (a list of every user would not scale, and each listed user is an
    /// audited read).
    var user: String
    var grantUser = ""
    /// The window a refused grant was typed with (the role it chose is `roleChoices`' selected one).
    var grantFrom = ""
    var grantTo = ""
    var policies: [Option]
    var party: String
    var at: String
    var decision: Decision?
    var error: String?

    init(tenant: String, roles: [AccessRole], user: String, policy: String?, party: String, at: String) {
        self.tenant = tenant
        self.roles = roles.map {
            RoleRow(tenant: tenant, id: $0.id.description, name: $0.name, policies: $0.policies.joined(separator: ", "), organizationID: $0.organizationID?.description,
                    relationshipType: $0.relationshipType)
        }
        hasRoles = !roles.isEmpty
        roleChoices = roles.map { Option(value: $0.id.description, label: $0.name, selected: false) }
        allPolicies = AccessRole.rosterPolicies.map { Option(value: $0, label: $0, selected: false) }
        self.user = user
        // Roster's own policies, then those other apps' roles grant (`approve_tree`, ...), and the one asked about.
        var names = AccessRole.rosterPolicies
        for name in (roles.flatMap(\.policies) + [policy].compactMap { $0 }).sorted() where !names.contains(name) { names.append(name) }
        policies = names.map { Option(value: $0, label: $0, selected: $0 == (policy ?? "parties.read")) }
        self.party = party
        self.at = at
    }
}

/// Users of a tenant, the dealer segment, and the dealer import.
struct UsersView {
    /// The dealer import is shown (`Navigation.importDealers`).
    var canImport = true
    struct Row {
        var tenant: String
        var id: String
        var name: String
        var email: String
        var role: String
        var active: Bool
        var employeeID: String
        var designation: String
        var partyID: String?
    }

    struct Report {
        var created: Int
        var updated: Int
        var unchanged: Int
        var errors: [PartyView.FieldMessage]
        var hasErrors: Bool
        /// The file itself was refused (nothing sent, no header, no row): no counts, only why.
        var refused = false
    }

    var tenant: String
    var csrf: String
    var q: String
    /// The segments to pick from: the tenant's (those a caller without `users.read` on the whole tenant can't list: the
    /// built-in ones), and the one asked for.
    var segments: [Option]
    var items: [Row]
    var hasItems: Bool
    var nextURL: String?
    var report: Report?
    var csv: String = ""

    init(tenant: String, csrf: String, q: String, segments: [String], segment: String?, users: [User], nextURL: String?) {
        self.tenant = tenant
        self.csrf = csrf
        self.q = q
        let names = segments + (segment.map { [$0] } ?? []).filter { !segments.contains($0) }
        self.segments = Option.choices(names, selected: segment, any: "any")
        items = users.map {
            Row(tenant: tenant, id: $0.id.description, name: $0.displayName ?? "", email: $0.email?.value ?? "", role: $0.role.rawValue,
                active: $0.isActive, employeeID: $0.employeeID ?? "", designation: $0.designation ?? "", partyID: $0.partyID?.description)
        }
        hasItems = !items.isEmpty
        self.nextURL = nextURL
    }
}

/// Start an import (a file sent by the page's script, or pasted text), and exports.
struct ImportsView {
    var tenant: String
    var csrf: String
    /// The import form is shown, with the kinds this caller may import (`Navigation`).
    var canImport = true
    var kinds = Option.choices(ImportJob.Kind.allCases.map(\.rawValue), selected: "parties", any: "").dropFirst().map { $0 }
    /// Said as what happens to the row: `update` is for parties only (an edge has nothing to update; the job refuses it).
    var policies = DuplicatePolicy.allCases.map { policy in
        let label = switch policy {
        case .skip: "skip it"
        case .update: "update the party (parties only)"
        case .fail: "refuse it"
        }
        return Option(value: policy.rawValue, label: label, selected: policy == .skip)
    }
    var formats = Option.choices(BulkFormat.allCases.map(\.rawValue), selected: "csv", any: "").dropFirst().map { $0 }
    /// The export form's own (a refused import's format is kept in the import form only; a probe saw it in both).
    let exportFormats = Option.choices(BulkFormat.allCases.map(\.rawValue), selected: "csv", any: "").dropFirst().map { $0 }
    var text = ""
    /// "From the first row" was ticked (kept when the form is refused).
    var restart = false
    var error: String?

    /// The choices of a refused form, selected again as they were sent.
    mutating func keep(type: String?, onDuplicate: String?, format: String?) {
        func select(_ options: inout [Option], _ value: String?) {
            guard let value, options.contains(where: { $0.value == value }) else { return }
            for index in options.indices { options[index].selected = options[index].value == value }
        }
        select(&kinds, type)
        select(&policies, onDuplicate)
        select(&formats, format)
    }

    /// The newest jobs the caller may follow, to find one again.
    var jobs: [JobRow] = [] { didSet { hasJobs = !jobs.isEmpty } }
    var hasJobs = false

    struct JobRow {
        var tenant: String
        var id: String
        var startedAt: String
        var kind: String
        var status: String
        var processed: Int
        var created: Int
        var refused: Int

        init(_ job: ImportJob, tenant: String) {
            self.tenant = tenant
            id = job.id.description
            startedAt = WebFormat.date(job.createdAt)
            kind = job.kind.rawValue
            status = job.status.rawValue
            (processed, created, refused) = (job.processed, job.created, job.refused)
        }
    }
}

/// One import job: its counters while it runs (the page reloads itself), then its refused rows.
struct ImportJobView {
    struct RowError {
        var row: Int
        var field: String
        var message: String
    }

    var tenant: String
    var id: String
    var kind: String
    var format: String
    var onDuplicate: String
    var status: String
    var running: Bool
    var processed: Int
    var created: Int
    var updated: Int
    var unchanged: Int
    var skipped: Int
    var refused: Int
    var error: String?
    /// The rows of a file imported before that were not read again (nil when none).
    var resumedAfter: Int?
    var errors: [RowError] = []
    var hasErrors = false
    var nextURL: String?

    init(_ job: ImportJob, tenant: String) {
        self.tenant = tenant
        id = job.id.description
        kind = job.kind.rawValue
        format = job.format
        onDuplicate = job.onDuplicate
        status = job.status.rawValue
        running = job.status == .running
        processed = job.processed
        created = job.created
        updated = job.updated
        unchanged = job.unchanged
        skipped = job.skipped
        refused = job.refused
        error = job.error
        resumedAfter = job.resumedAfter > 0 ? job.resumedAfter : nil
    }
}
