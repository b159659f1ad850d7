import Foundation
import Hummingbird
import RosterCore
import RosterService

/// Records made from the console: a party of its own (a page), and from a party's page a relationship and a consent.
/// Each form calls the service the API calls, which decides; a refused form comes back with its errors at the top and
/// what was typed.
extension WebConsole {
    func registerRecords<Context: RequestContext>(on ui: RouterGroup<Context>) {
        ui.get("t/:tenant/new-party") { request, context in await self.newParty(request, tenant: context.parameters.get("tenant") ?? "") }
        ui.post("t/:tenant/new-party") { request, context in
            await self.createParty(request, tenant: context.parameters.get("tenant") ?? "")
        }
        ui.post("t/:tenant/parties/:id/relationships") { request, context in
            await self.relate(request, tenant: context.parameters.get("tenant") ?? "", id: context.parameters.get("id") ?? "")
        }
        ui.post("t/:tenant/parties/:id/consents") { request, context in
            await self.recordConsent(request, tenant: context.parameters.get("tenant") ?? "", id: context.parameters.get("id") ?? "")
        }
        for path in ["relationships", "consents"] {
            ui.get("t/:tenant/parties/:id/\(path)") { _, context in
                Self.redirect("/ui/t/\(Self.pathSegment(context.parameters.get("tenant") ?? ""))/parties/"
                              + Self.pathSegment(context.parameters.get("id") ?? ""), cookie: nil)
            }
        }
    }

    func newParty(_ request: Request, tenant: String) async -> Response {
        await run(request, tenant: tenant) { signedIn in
            _ = try await services.access.me(tenant: tenant, context: signedIn.context)
            return .page(title: "New party", template: "new-party", view: NewPartyView(tenant: tenant, csrf: signedIn.session.csrf))
        }
    }

    /// Creates the party as `POST .../parties` does (with auto-linking); the new party's page follows.
    func createParty(_ request: Request, tenant: String) async -> Response {
        await runForm(request, tenant: tenant) { signedIn, fields in
            var view = NewPartyView(tenant: tenant, csrf: signedIn.session.csrf, fields: fields)
            func text(_ name: String) -> String? {
                fields[name].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
            }
            do {
                var errors = ValidationErrors()
                let kind = errors.check { () throws -> Party.Kind in
                    guard let kind = Party.Kind(rawValue: fields["kind"] ?? "") else { throw RosterError.invalid("kind", "choose person or organization") }
                    return kind
                }
                let customerType = text("customerType").flatMap { raw -> Party.CustomerType? in
                    guard let type = Party.CustomerType(rawValue: raw) else { errors.add("customerType", "is not one of its choices"); return nil }
                    return type
                }
                try errors.throwIfAny()
                let roles = text("roles").map { $0.split(whereSeparator: { $0 == "," || $0 == ";" }).map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty } }
                let input = PartyInput(kind: kind, firstName: kind == .person ? text("firstName") : nil, lastName: kind == .person ? text("lastName") : nil,
                                       name: kind == .organization ? text("name") : nil, email: text("email"), phone: text("phone"),
                                       website: text("website"), note: text("note"), customerType: customerType, roles: roles)
                let created = try await services.parties.createLinking(tenant: tenant, input, context: signedIn.context)
                return .redirect("/ui/t/\(Self.pathSegment(tenant))/parties/\(created.party.id)?done=created")
            } catch RosterError.validation(let errors) {
                view.errors = errors.map { PartyView.FieldMessage(field: $0.field, message: $0.message) }
                return .page(title: "New party", template: "new-party", view: view, status: .unprocessableContent)
            } catch RosterError.conflict(let message, let existing) {
                view.conflict = message
                view.conflictWith = existing.flatMap(Party.ID.init(uuidString:))?.description
                return .page(title: "New party", template: "new-party", view: view, status: .conflict)
            }
        }
    }

    /// An edge between this party and another named by id, above or below it, as `POST .../relationships` makes it.
    func relate(_ request: Request, tenant: String, id: String) async -> Response {
        await runForm(request, tenant: tenant) { signedIn, fields in
            let id = try Self.partyID(id)
            let form = PartyView.RelationForm(fields)
            do {
                var errors = ValidationErrors()
                let other = errors.check { () throws -> Party.ID in
                    guard let other = Party.ID(uuidString: form.otherID) else {
                        throw RosterError.invalid("otherId", form.otherID.isEmpty ? "is needed" : "is not a party id")
                    }
                    return other
                }
                if form.type.isEmpty { errors.add("type", "is needed") }
                // Only the form's two choices (a value of neither was taken as "below"; found by a probe).
                if let sent = fields["direction"], sent != "below", sent != "above" { errors.add("direction", "choose below or above") }
                try errors.throwIfAny()
                let below = form.direction == "below"
                do {
                    _ = try await services.relationships.create(tenant: tenant, RelationshipInput(
                        parentID: below ? other! : id, childID: below ? id : other!, type: form.type, role: form.role.trimmingWhitespace().isEmpty ? nil : form.role),
                        context: signedIn.context)
                } catch RosterError.notFound {
                    // This party was read for its page; the other one is missing or out of sight (the same words for both).
                    throw RosterError.invalid("otherId", "names no party you may see")
                }
                return .redirect("/ui/t/\(Self.pathSegment(tenant))/parties/\(id)?done=related#relationships")
            } catch let error as RosterError {
                var view = try await partyView(tenant: tenant, id: id, signedIn: signedIn)
                view.relationForm = form
                switch error {
                case .validation(let errors):
                    // The edge's ends are this party and the one the form names: what the rules say of either end (a party
                    // its own parent, one deleted) is said of the form's field (it named `childId`; found by a probe).
                    view.errors = errors.map {
                        PartyView.FieldMessage(field: ["parentId", "childId"].contains($0.field) ? "otherId" : $0.field, message: $0.message)
                    }
                case .conflict(let message, _): view.conflict = message
                default: throw error
                }
                return .page(title: view.displayName, template: "party", view: view,
                             status: view.conflict == nil ? .unprocessableContent : .conflict)
            }
        }
    }

    /// A consent given or withdrawn, as `POST .../parties/{id}/consents` records it.
    func recordConsent(_ request: Request, tenant: String, id: String) async -> Response {
        await runForm(request, tenant: tenant) { signedIn, fields in
            let id = try Self.partyID(id)
            let form = PartyView.ConsentForm(fields)
            do {
                guard let status = Consent.Status(rawValue: form.status) else { throw RosterError.invalid("status", "choose granted or withdrawn") }
                _ = try await services.consents.record(tenant: tenant, party: id, ConsentInput(purpose: form.purpose, status: status,
                                                                                             source: form.source),
                                                       context: signedIn.context)
                return .redirect("/ui/t/\(Self.pathSegment(tenant))/parties/\(id)?done=consent#consents")
            } catch RosterError.validation(let errors) {
                var view = try await partyView(tenant: tenant, id: id, signedIn: signedIn)
                view.consentForm = form
                view.errors = errors.map { PartyView.FieldMessage(field: $0.field, message: $0.message) }
                return .page(title: view.displayName, template: "party", view: view, status: .unprocessableContent)
            }
        }
    }
}

struct NewPartyView {
    var tenant: String
    var csrf: String
    var kinds: [Option]
    var customerTypes: [Option]
    var firstName = ""
    var lastName = ""
    var name = ""
    var email = ""
    var phone = ""
    var website = ""
    var roles = ""
    var note = ""
    var errors: [PartyView.FieldMessage] = [] { didSet { hasErrors = !errors.isEmpty } }
    var hasErrors = false
    var conflict: String?
    var conflictWith: String?

    init(tenant: String, csrf: String, fields: [String: String] = [:]) {
        self.tenant = tenant
        self.csrf = csrf
        kinds = Party.Kind.allCases.map { Option(value: $0.rawValue, label: $0.rawValue, selected: (fields["kind"] ?? "person") == $0.rawValue) }
        customerTypes = Option.choices(Party.CustomerType.allCases.map(\.rawValue), selected: fields["customerType"].flatMap { $0.isEmpty ? nil : $0 },
                                       any: "none")
        firstName = fields["firstName"] ?? ""
        lastName = fields["lastName"] ?? ""
        name = fields["name"] ?? ""
        email = fields["email"] ?? ""
        phone = fields["phone"] ?? ""
        website = fields["website"] ?? ""
        roles = fields["roles"] ?? ""
        note = fields["note"] ?? ""
    }
}
