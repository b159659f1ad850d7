import Foundation
import RosterCore
import RosterService

/// What the templates show: plain strings, flags and lists, made from domain values here so that the templates hold no
/// logic. An optional is left out of the page when `nil`; an empty string would not be.

struct LayoutView {
    var title: String
    var signedIn: Bool
    var who: String
    var csrf: String
    var platform: Bool
    var tenantSlug: String?
    var flash: String?
    var body: String
    var refresh: Int?
    var nav: Navigation = .all
}

/// The tenant pages the navigation offers: those the caller's grants open (a page it can't use is not offered; the
/// page itself still decides, through its service calls).
struct Navigation: Equatable {
    var parties = true
    var users = true
    var access = true
    var imports = true
    var audit = true
    /// The forms a page shows only to callers who may use them (found by a probe: a read-only caller was offered
    /// grants, roles and imports, and lost what it typed to a 403): roles.manage somewhere (grants, new roles,
    /// deletions), users.manage on the whole tenant (the dealer import), parties.write on the whole tenant (a parties
    /// import) and relationships.write somewhere (a relationships import).
    var manageRoles = true
    var importDealers = true
    var importParties = true
    var importRelationships = true

    static let all = Navigation()

    /// Each flag is what its page's first service call requires: parties.read somewhere (the list is scoped), users.read
    /// or users.manage somewhere, users.read or roles.manage somewhere (the roles it may know), an import's or export's
    /// policy somewhere,
    /// audit.read on the whole tenant (the log; a scoped reader reaches a party's entries from its page).
    init(_ grants: Grants) {
        func somewhere(_ policy: String) -> Bool { grants.scope(of: policy) != nil }
        parties = somewhere("parties.read")
        users = somewhere("users.read") || somewhere("users.manage")
        access = somewhere("users.read") || somewhere("roles.manage")
        imports = somewhere("parties.write") || somewhere("relationships.write") || somewhere("parties.read")
        audit = grants.scope(of: "audit.read") == .tenant
        manageRoles = somewhere("roles.manage")
        importDealers = grants.scope(of: "users.manage") == .tenant
        importParties = grants.scope(of: "parties.write") == .tenant
        importRelationships = somewhere("relationships.write")
    }

    private init() {}
}

struct SignInView {
    var csrf: String
    var error: String?
    /// Why the caller is here: its session ended (idle, too old, its credential revoked).
    var notice: String?
}

struct SecretView {
    var tenant: String
    var username: String
    var secret: String
    var partnerID: String
    var customerID: String
}

struct ErrorView {
    var heading: String
    var message: String
    var back: String
}

struct Option {
    var value: String
    var label: String
    var selected: Bool

    static func choices(_ values: [String], selected: String?, any: String) -> [Option] {
        [Option(value: "", label: any, selected: selected == nil)]
            + values.map { Option(value: $0, label: $0, selected: $0 == selected) }
    }
}

struct TenantsView {
    struct Row {
        var slug: String
        var name: String
        var status: String
        var createdAt: String
        var provisioningError: String?
        var tracking: String
        var trackingAttempts: String?
        var trackingError: String?
        /// Tracking can be retried: it is pending or failed.
        var canRetry: Bool
    }

    struct Form {
        var slug = ""
        var name = ""
        var callingCode = ""
        var firstName = ""
        var lastName = ""
        var email = ""
    }

    var csrf: String
    var items: [Row]
    var hasItems: Bool
    var notice: String?
    /// An attempt that did not succeed (a tracking retry that failed again).
    var warning: String?
    var form = Form()
    var errors: [PartyView.FieldMessage] = [] { didSet { hasErrors = !errors.isEmpty } }
    var hasErrors = false

    init(_ tenants: [ProvisionedTenant], csrf: String) {
        self.csrf = csrf
        hasItems = !tenants.isEmpty
        items = tenants.map { entry in
            let tracking = entry.provisioning?.tracking
            return Row(slug: entry.tenant.slug, name: entry.tenant.name, status: entry.tenant.status.rawValue,
                       createdAt: WebFormat.date(entry.tenant.createdAt), provisioningError: entry.provisioning?.lastError,
                       tracking: tracking?.status.rawValue ?? "none",
                       trackingAttempts: tracking.flatMap { $0.attempts > 0 ? "\($0.attempts) \($0.attempts == 1 ? "attempt" : "attempts")" : nil },
                       trackingError: tracking?.lastError,
                       canRetry: entry.provisioning?.phase == .active && (tracking?.status == .pending || tracking?.status == .failed))
        }
    }
}

struct PartyRow {
    var tenant: String
    var id: String
    var displayName: String
    var kind: String
    var email: String?
    var phone: String?
    var roles: String?
    var state: String

    init(_ party: Party, tenant: String) {
        self.tenant = tenant
        id = party.id.description
        displayName = WebFormat.name(of: party)
        kind = party.kind.rawValue
        email = party.email?.value
        phone = party.phone?.digits
        roles = party.roles.isEmpty ? nil : party.roles.joined(separator: ", ")
        state = party.state.rawValue
    }
}

struct PartiesView {
    var tenant: String
    var q: String
    var role: String
    var tag: String
    var partnerId: String
    var kinds: [Option]
    var customerTypes: [Option]
    var states: [Option]
    /// Templates see stored properties only (Mustache reads values through `Mirror`): flags are kept in step here.
    var notice: String?
    var items: [PartyRow] { didSet { hasItems = !items.isEmpty } }
    var hasItems = false
    var nextURL: String?
    var error: String?
    /// The caller may create parties (`parties.write` on the whole tenant): the page links the form.
    var canCreate = false

    init(tenant: String, q: String, role: String, tag: String, partnerId: String, kinds: [Option], customerTypes: [Option],
         states: [Option], items: [PartyRow], nextURL: String? = nil, error: String? = nil) {
        (self.tenant, self.q, self.role, self.tag, self.partnerId) = (tenant, q, role, tag, partnerId)
        (self.kinds, self.customerTypes, self.states) = (kinds, customerTypes, states)
        self.items = items
        hasItems = !items.isEmpty
        self.nextURL = nextURL
        self.error = error
    }
}

struct PartyView {
    struct Property {
        var key: String
        var value: String
    }

    struct HistoryRow {
        var at: String
        var from: String
        var to: String
        var actor: String
        var reason: String
    }

    struct TagView {
        var tenant: String
        var partyID: String
        var id: String
        var text: String
        var color: String
    }

    struct TreeNode {
        var tenant: String
        var id: String
        var displayName: String
        var indent: Int
        var role: String?
        /// Below another parent too, and shown under that one first (its own subtree there).
        var repeated = false
        /// `indent` + 1, said to screen readers (the indentation alone showed the nesting only to the eye; a probe).
        let level: Int

        init(tenant: String, id: String, displayName: String, indent: Int, role: String?, repeated: Bool = false) {
            self.tenant = tenant
            self.id = id
            self.displayName = displayName
            self.indent = indent
            self.role = role
            self.repeated = repeated
            self.level = indent + 1
        }
    }

    struct Tree {
        var type: String
        var ancestors: [TreeNode]
        var selfIndent: Int
        var displayName: String
        var descendants: [TreeNode]
        var more: Bool
        var shown: Int
        let selfLevel: Int

        init(type: String, ancestors: [TreeNode], selfIndent: Int, displayName: String, descendants: [TreeNode], more: Bool, shown: Int) {
            self.type = type
            self.ancestors = ancestors
            self.selfIndent = selfIndent
            self.displayName = displayName
            self.descendants = descendants
            self.more = more
            self.shown = shown
            self.selfLevel = selfIndent + 1
        }
    }

    /// A field's problem as the page says it: the field by its label on the form ("Default calling code"), not the
    /// API's name (`settings.defaultCallingCode`; found by a probe). A name with no label stays as it is.
    struct FieldMessage {
        var field: String
        var message: String

        init(field: String, message: String) {
            self.field = Self.label(field)
            self.message = message
        }

        /// The form's label for an API field; an item of a list (`roles[1]`) by its list's label and its place, counted
        /// from 1 (the API's index was shown; found by a probe).
        static func label(_ field: String) -> String {
            if let label = labels[field] { return label }
            if field.hasSuffix("]"), let open = field.lastIndex(of: "["), let index = Int(field[field.index(after: open)..<field.index(before: field.endIndex)]),
               let label = labels[String(field[..<open])] {
                return "\(label), item \(index + 1)"
            }
            return field
        }

        static let labels = [
            "firstName": "First name", "lastName": "Last name", "name": "Name", "email": "Email", "phone": "Phone",
            "website": "Website", "note": "Note", "customerType": "Customer type", "roles": "Roles", "kind": "Kind",
            "slug": "Slug", "callingCode": "Default calling code", "settings.defaultCallingCode": "Default calling code",
            "admin.email": "Admin email", "admin.firstName": "Admin first name", "admin.lastName": "Admin last name",
            "username": "Username", "secret": "Secret", "active": "Active", "partnerId": "Partner id", "customerId": "Customer id",
            "otherId": "The other party's id", "type": "Type", "role": "Role", "purpose": "Purpose", "status": "Status",
            "source": "Source", "tag": "Tag", "user": "User", "organizationId": "Organization id", "policies": "Policies",
            "otherPolicies": "Other policies", "relationshipType": "Relationship type", "validFrom": "Valid from",
            "validTo": "Valid to", "confirm": "Confirmation", "csv": "Rows", "action": "Action", "reason": "Reason",
            "party": "Party", "policy": "Policy", "direction": "This party is",
        ]
    }

    struct Account {
        var tenant: String
        var partyID: String
        var id: String
        var username: String
        var role: String
        var otherID: String
        var active: Bool
        var version: Int
    }

    /// The add-relationship form, as typed (kept when refused).
    struct RelationForm {
        var direction: String
        var otherID: String
        var type: String
        var role: String
        var below: Bool
        var above: Bool

        init(_ fields: [String: String] = [:]) {
            direction = fields["direction"] == "above" ? "above" : "below"
            otherID = fields.trimmed("otherId")
            type = fields.trimmed("type")
            role = fields.trimmed("role")
            below = direction == "below"
            above = !below
        }
    }

    /// The record-a-consent form, as typed (kept when refused).
    struct ConsentForm {
        var purpose: String
        var status: String
        var source: String
        var granted: Bool
        var withdrawn: Bool

        init(_ fields: [String: String] = [:]) {
            purpose = fields.trimmed("purpose")
            status = fields["status"] ?? "granted"
            source = fields.trimmed("source")
            granted = status == "granted"
            withdrawn = status == "withdrawn"
        }
    }

    /// The add-account form: this party is the partner (the other id is the customer's) or the customer.
    struct NewAccount {
        var otherField: String
        var otherLabel: String
        var otherID = ""
        var username = ""
        var active = true
    }

    struct ConsentRow {
        var purpose: String
        var status: String
        var at: String
        var source: String
    }

    struct AuditRow {
        var seq: Int64
        var at: String
        var actor: String
        var action: String
        var fields: String
    }

    /// A part of the page the caller's roles may not cover: the rows, or why there are none.
    struct Section<Row> {
        var rows: [Row]
        var hasRows: Bool
        var refused: String?

        init(_ rows: [Row]) {
            self.rows = rows
            hasRows = !rows.isEmpty
        }

        init(refused: String) {
            rows = []
            hasRows = false
            self.refused = refused
        }
    }

    var tenant: String
    var csrf: String
    var id: String
    var displayName: String
    var kind: String
    var isPerson: Bool
    var state: String
    var version: Int
    var createdAt: String
    var updatedAt: String
    var firstName: String
    var lastName: String
    var name: String
    var email: String
    var phone: String
    var website: String
    var note: String
    var customerTypes: [Option]
    var roles: String?
    var emailDomains: String?
    var properties: [Property]
    var stateChoices: [Option]
    var hasStateChoices: Bool
    /// What a refused state form or tag form held, shown again (they came back empty; found by a probe).
    var stateReason: String?
    var tagText: String?
    var canRestore: Bool
    var history: [HistoryRow]
    var tags: [TagView]
    var trees: [Tree]
    var hasTree: Bool
    var accounts = Section<Account>([])
    var consents = Section<ConsentRow>([])
    var audit = Section<AuditRow>([])
    var auditMore = false
    /// What the caller's roles allow on this party (the service decides; the page offers only that).
    var canWrite = false { didSet { canEdit = canWrite && isLive } }
    /// The details and tags can change: the caller may write, and the party is live (a deleted one is restored first).
    var canEdit = false
    var isLive: Bool
    var canErase: Bool
    var canReveal = false
    /// Partner accounts can be made here (the caller writes this party, which is live).
    var newAccount: NewAccount?
    /// Edges can be made here (the caller holds relationships.write on this party, which is live).
    var relationForm: RelationForm?
    /// Consents can be recorded here (the caller writes this party, which is live).
    var consentForm: ConsentForm?
    var notice: String?
    var conflict: String?
    /// The party a refused change would have duplicated (its email or phone), to open it.
    var conflictWith: String?
    var errors: [FieldMessage] = [] { didSet { hasErrors = !errors.isEmpty } }
    var hasErrors = false
    /// After a conflict of versions: the fields whose value in the refused form differs from the party as it is now,
    /// with what the form held (nothing typed is lost; the form shows the party as it is now).
    var unsaved: [FieldMessage] = [] { didSet { hasUnsaved = !unsaved.isEmpty } }
    var hasUnsaved = false

    init(_ party: Party, tenant: String, csrf: String, history: [StateChange], trees: [Tree]) {
        self.tenant = tenant
        self.csrf = csrf
        id = party.id.description
        displayName = WebFormat.name(of: party)
        kind = party.kind.rawValue
        isPerson = party.kind == .person
        state = party.state.rawValue
        version = party.version
        createdAt = WebFormat.date(party.createdAt)
        updatedAt = WebFormat.date(party.updatedAt)
        firstName = party.firstName ?? ""
        lastName = party.lastName ?? ""
        name = party.name ?? ""
        email = party.email?.value ?? ""
        phone = party.phone?.digits ?? ""
        website = party.website ?? ""
        note = party.note ?? ""
        customerTypes = Option.choices(Party.CustomerType.allCases.map(\.rawValue), selected: party.customerType?.rawValue, any: "none")
        roles = party.roles.isEmpty ? nil : party.roles.joined(separator: ", ")
        emailDomains = party.emailDomains.isEmpty ? nil : party.emailDomains.joined(separator: ", ")
        properties = party.properties.keys.sorted().map { Property(key: $0, value: WebFormat.scalar(party.properties[$0]!)) }
        // Live parties may go to another state, or be deleted (softly: restorable); a deleted one may be restored.
        stateChoices = party.isLive
            ? [Party.State.active, .suspended, .archived, .deleted].filter { $0 != party.state }
                .map { Option(value: $0.rawValue, label: $0.rawValue, selected: false) } : []
        canRestore = party.state == .deleted
        isLive = party.isLive
        hasStateChoices = !stateChoices.isEmpty
        self.history = history.map {
            HistoryRow(at: WebFormat.date($0.at), from: $0.from?.rawValue ?? "", to: $0.to.rawValue, actor: $0.actor, reason: $0.reason ?? "")
        }
        tags = party.tags.map {
            TagView(tenant: tenant, partyID: party.id.description, id: $0.id.description, text: $0.text, color: $0.color)
        }
        self.trees = trees
        hasTree = !trees.isEmpty
        canErase = party.state != .merged
    }

    /// A refused edit form comes back as it was typed (the rest of the page shows the party as stored).
    mutating func keepTyped(_ fields: [String: String]) {
        firstName = fields["firstName"] ?? firstName
        lastName = fields["lastName"] ?? lastName
        name = fields["name"] ?? name
        email = fields["email"] ?? email
        phone = fields["phone"] ?? phone
        website = fields["website"] ?? website
        note = fields["note"] ?? note
        if let sent = fields["customerType"] {
            for index in customerTypes.indices { customerTypes[index].selected = customerTypes[index].value == sent }
        }
    }
}

enum WebFormat {
    static func name(of party: Party) -> String {
        let name = party.displayName
        return name.isEmpty ? "(no name)" : name
    }

    static func date(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    static func scalar(_ value: JSONScalar) -> String {
        switch value {
        case .string(let text): text
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .null: ""
        }
    }
}

extension Dictionary where Key == String, Value == String {
    /// A form field as typed, without the spaces at its ends; empty when the form did not send it.
    func trimmed(_ name: String) -> String {
        (self[name] ?? "").trimmingCharacters(in: .whitespaces)
    }

    /// A checkbox: ticked when the form sent its own `value`, unticked when it sent nothing; any other value is refused
    /// (422), not read as unticked: `mask=yes` gave an unmasked export (found by a probe).
    func ticked(_ name: String, value: String) throws -> Bool {
        guard let sent = self[name] else { return false }
        guard sent == value else { throw RosterError.invalid(name, "must be \(value) when ticked, or not sent") }
        return true
    }
}
