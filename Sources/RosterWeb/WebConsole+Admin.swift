import Foundation
import Hummingbird
import RosterCore
import RosterService

/// The audit log, roles and the access check, users and the dealer import.
extension WebConsole {
    func registerAdmin<Context: RequestContext>(on ui: RouterGroup<Context>) {
        ui.get("t/:tenant/audit") { request, context in await self.auditLog(request, tenant: context.parameters.get("tenant") ?? "") }
        ui.get("t/:tenant/access") { request, context in await self.access(request, tenant: context.parameters.get("tenant") ?? "") }
        ui.post("t/:tenant/grants") { request, context in await self.changeGrant(request, tenant: context.parameters.get("tenant") ?? "") }
        ui.post("t/:tenant/roles") { request, context in await self.createRole(request, tenant: context.parameters.get("tenant") ?? "") }
        ui.post("t/:tenant/roles/:role/delete") { request, context in
            await self.deleteRole(request, tenant: context.parameters.get("tenant") ?? "", role: context.parameters.get("role") ?? "")
        }
        ui.get("t/:tenant/users") { request, context in await self.users(request, tenant: context.parameters.get("tenant") ?? "") }
        ui.post("t/:tenant/users/import") { request, context in
            await self.importDealers(request, tenant: context.parameters.get("tenant") ?? "")
        }
        ui.get("static/roster.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "public, max-age=3600"],
                     body: .init(byteBuffer: ByteBuffer(string: Templates.script)))
        }
    }

    func auditLog(_ request: Request, tenant: String) async -> Response {
        await run(request, tenant: tenant) { signedIn in
            let query = FormQuery(request)
            func text(_ name: String) -> String? {
                query.get(name).map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
            }
            let filter = AuditFilter(targetID: text("targetId"), action: text("action"), actor: text("actor"))
            let page = try await services.audit.list(tenant: tenant, filter: filter, cursor: query.get("cursor"), limit: 50,
                                                     context: signedIn.context)
            let verification = query.get("verify") == "1"
                ? try await services.audit.verify(tenant: tenant, context: signedIn.context) : nil
            let next = page.nextCursor.map {
                "/ui/t/\(Self.pathSegment(tenant))/audit?"
                    + Self.query([("targetId", filter.targetID), ("action", filter.action), ("actor", filter.actor), ("cursor", $0)])
            }
            return .page(title: "Audit log", template: "audit", view: AuditView(
                tenant: tenant, filter: filter, entries: page.items, nextURL: next, verification: verification))
        }
    }

    func accessView(_ request: Request, tenant: String, signedIn: SignedIn) async throws -> (AccessView, [AccessRole]) {
        let context = signedIn.context
        let query = FormQuery(request)
        func text(_ name: String) -> String? {
            query.get(name).map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let roles = try await services.access.roles(tenant: tenant, context: context)
        var view = AccessView(tenant: tenant, roles: roles, user: text("user") ?? "", policy: text("policy"),
                              party: text("party") ?? "", at: text("at") ?? "")
        view.csrf = signedIn.session.csrf
        view.canManage = signedIn.nav.manageRoles
        switch query.get("done") {
        case "granted": view.grantNotice = "Role granted."
        case "revoked": view.grantNotice = "Role revoked."
        case "role": view.grantNotice = "Role created."
        case "deleted": view.grantNotice = "Role deleted; its grants have ended."
        default: break
        }
        return (view, roles)
    }

    /// The user a console field names, by email or id: `nil` (and the field's error added) when it is neither.
    static func userReference(_ raw: String?, field: String = "user", errors: inout ValidationErrors) -> UserReference? {
        let text = raw?.trimmingCharacters(in: .whitespaces) ?? ""
        if let id = User.ID(uuidString: text) { return .id(id) }
        if text.contains("@"), let email = try? EmailAddress(text) { return .email(email) }
        errors.add(field, "give a user's email or id")
        return nil
    }

    enum UserReference {
        case id(User.ID)
        case email(EmailAddress)
    }

    /// The id of the user a field named (an email is looked up, as a read the caller may make: 404 otherwise).
    func userID(_ reference: UserReference, tenant: String, context: OperationContext) async throws -> User.ID {
        switch reference {
        case .id(let id): id
        case .email(let email): try await services.users.get(tenant: tenant, email: email, context: context).id
        }
    }

    /// Grants or revokes (the form's two buttons) a role; the service decides (`roles.manage`, and no more than the
    /// caller holds). A refused form comes back with its errors, every field named, and what was typed.
    func changeGrant(_ request: Request, tenant: String) async -> Response {
        await runForm(request, tenant: tenant) { signedIn, fields in
            func text(_ name: String) -> String? {
                fields[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
            }
            do {
                var errors = ValidationErrors()
                let user = Self.userReference(fields["user"], errors: &errors)
                let role = fields["role"].flatMap(AccessRole.ID.init(uuidString:))
                if role == nil { errors.add("role", "choose a role") }
                let action = fields["action"]
                if action != "grant" && action != "revoke" { errors.add("action", "must be grant or revoke") }
                // The grant's window (optional, UTC); granting a held role again gives it the window given.
                let validFrom = text("validFrom").flatMap { raw in errors.check { try Self.parseLocalDateTime(raw, field: "validFrom") } }
                let validTo = text("validTo").flatMap { raw in errors.check { try Self.parseLocalDateTime(raw, field: "validTo") } }
                try errors.throwIfAny()
                guard let user, let role else { throw RosterError.invalid("user", "give a user's email or id") }
                let id = try await userID(user, tenant: tenant, context: signedIn.context)
                if action == "revoke" {
                    try await services.access.revoke(tenant: tenant, user: id, role: role, context: signedIn.context)
                    return .redirect("/ui/t/\(Self.pathSegment(tenant))/access?done=revoked")
                }
                _ = try await services.access.grant(tenant: tenant, user: id, role: role,
                                                    window: ValidityWindow(validFrom: validFrom, validTo: validTo), context: signedIn.context)
                return .redirect("/ui/t/\(Self.pathSegment(tenant))/access?done=granted")
            } catch let error as RosterError {
                // A field's problem, or a user or grant not found: said beside the form, which keeps what was typed.
                let errors: [FieldError]
                switch error {
                case .validation(let fields): errors = fields
                case .notFound(let message):
                    errors = [FieldError(message.contains("has no role") || message.hasPrefix("no role") ? "role" : "user", message)]
                default: throw error
                }
                var (view, _) = try await accessView(request, tenant: tenant, signedIn: signedIn)
                view.grantErrors = errors.map { PartyView.FieldMessage(field: $0.field, message: $0.message) }
                view.grantUser = fields["user"] ?? ""
                // The role chosen and the window typed come back too: the list fell back to its first role, the most
                // powerful one there, and one more press of Grant gave it (found by a probe).
                view.roleChoices = view.roleChoices.map { Option(value: $0.value, label: $0.label, selected: $0.value == fields["role"]) }
                (view.grantFrom, view.grantTo) = (fields["validFrom"] ?? "", fields["validTo"] ?? "")
                return .page(title: "Access", template: "access", view: view, status: .unprocessableContent)
            }
        }
    }

    func createRole(_ request: Request, tenant: String) async -> Response {
        await runForm(request, tenant: tenant) { signedIn, fields in
            func text(_ name: String) -> String? {
                fields[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
            }
            let other = (fields["otherPolicies"] ?? "").split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
            do {
                // Every field's problem at once: the form's own (an id that is none, a tick box's value) with the role's rules.
                var errors = ValidationErrors()
                let policies = AccessRole.rosterPolicies.filter { policy in
                    errors.check { try fields.ticked("policy.\(policy)", value: "on") } ?? false
                } + other
                let organization = text("organizationId").flatMap { raw -> Party.ID? in
                    guard let id = Party.ID(uuidString: raw) else { errors.add("organizationId", "is not a party id"); return nil }
                    return id
                }
                if !errors.errors.isEmpty {
                    _ = AccessService.roleFields(name: text("name") ?? "", policies: policies, relationshipType: text("relationshipType"),
                                                 scoped: true, errors: &errors)
                    try errors.throwIfAny()
                }
                do {
                    _ = try await services.access.createRole(tenant: tenant, name: text("name") ?? "", policies: policies,
                                                             organizationID: organization, relationshipType: text("relationshipType"),
                                                             context: signedIn.context)
                } catch RosterError.notFound where organization != nil {
                    // The organization is missing or outside the caller's reads: said at its field, the form kept (it was a
                    // page of its own that named no field; found by a probe). The same words for both.
                    throw RosterError.invalid("organizationId", "names no organization you may see")
                }
                return .redirect("/ui/t/\(Self.pathSegment(tenant))/access?done=role")
            } catch RosterError.validation(let errors) {
                var (view, _) = try await accessView(request, tenant: tenant, signedIn: signedIn)
                view.roleErrors = errors.map { PartyView.FieldMessage(field: $0.field, message: $0.message) }
                // What was typed comes back with its errors.
                view.roleForm = AccessView.RoleForm(name: fields["name"] ?? "", otherPolicies: fields["otherPolicies"] ?? "",
                                                    organizationId: fields["organizationId"] ?? "",
                                                    relationshipType: fields["relationshipType"] ?? "")
                for index in view.allPolicies.indices { view.allPolicies[index].selected = fields["policy.\(view.allPolicies[index].value)"] == "on" }
                return .page(title: "Access", template: "access", view: view, status: .unprocessableContent)
            }
        }
    }

    /// Deletes a role (the service decides whether this caller may), and its grants with it.
    func deleteRole(_ request: Request, tenant: String, role: String) async -> Response {
        await runForm(request, tenant: tenant) { signedIn, fields in
            guard let id = AccessRole.ID(uuidString: role) else { throw RosterError.notFound("no role \(role.prefix(40))") }
            // One press deleted a role and ended every grant of it: the box says so first.
            guard fields["confirm"] == "yes" else {
                throw RosterError.invalid("confirm", "tick \"its grants end\" to delete the role: every grant of it ends at once")
            }
            try await services.access.deleteRole(tenant: tenant, id: id, context: signedIn.context)
            return .redirect("/ui/t/\(Self.pathSegment(tenant))/access?done=deleted")
        }
    }

    func access(_ request: Request, tenant: String) async -> Response {
        await run(request, tenant: tenant) { signedIn in
            let context = signedIn.context
            let query = FormQuery(request)
            func text(_ name: String) -> String? {
                query.get(name).map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
            }
            var (view, roles) = try await accessView(request, tenant: tenant, signedIn: signedIn)
            guard let rawUser = text("user"), let rawParty = text("party") else {
                return .page(title: "Access", template: "access", view: view)
            }
            do {
                var errors = ValidationErrors()
                let user = Self.userReference(rawUser, errors: &errors)
                let policy = text("policy")
                if policy == nil { errors.add("policy", "choose a policy") }
                let party = Party.ID(uuidString: rawParty)
                if party == nil { errors.add("party", "is not a party id") }
                let at = text("at").flatMap { raw in errors.check { try Self.parseLocalDateTime(raw) } }
                try errors.throwIfAny()
                guard let user, let policy, let party else { return .page(title: "Access", template: "access", view: view) }
                let decision = try await services.access.check(tenant: tenant, user: userID(user, tenant: tenant, context: context),
                                                               policy: policy, party: party, at: at, context: context)
                var path: [AccessView.PathStep] = []
                for id in decision.path {
                    // Each step named when the caller may read it (a read like any other, audited).
                    let name = (try? await services.parties.get(tenant: tenant, id: id, context: context)).map(WebFormat.name(of:))
                    path.append(AccessView.PathStep(tenant: tenant, id: id.description, name: name ?? id.description))
                }
                view.decision = AccessView.Decision(
                    allowed: decision.allowed, reason: decision.reason, role: roles.first { $0.id == decision.roleID }?.name,
                    path: path, hasPath: !path.isEmpty, asOf: decision.at.map(WebFormat.date))
                return .page(title: "Access", template: "access", view: view)
            } catch RosterError.validation(let errors) {
                view.error = errors.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
                return .page(title: "Access", template: "access", view: view, status: .unprocessableContent)
            } catch RosterError.notFound {
                view.error = "No such user or party (or none you may see)."
                return .page(title: "Access", template: "access", view: view, status: .notFound)
            }
        }
    }

    /// `2026-03-01T09:30` or `…:15` from a `datetime-local` field, read as UTC; a full RFC 3339 time too.
    static func parseLocalDateTime(_ text: String, field: String = "at") throws -> Date {
        for candidate in [text, text + "Z", text + ":00Z"] {
            if let date = RFC3339.parse(candidate) { return date }
        }
        throw RosterError.invalid(field, "must be a date and time such as 2026-03-01T09:30")
    }

    func users(_ request: Request, tenant: String) async -> Response {
        await run(request, tenant: tenant) { signedIn in
            try await usersPage(request, tenant: tenant, signedIn: signedIn)
        }
    }

    func usersPage(_ request: Request, tenant: String, signedIn: SignedIn, report: UsersView.Report? = nil, csv: String = "",
                   status: HTTPResponse.Status = .ok) async throws -> WebResult {
        let query = FormQuery(request)
        let q = query.get("q").map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        // Any segment the API knows (an unknown one is a 404, a name that is none a 422, as there), not only the dealers.
        let segment = query.get("segment").map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        let page = try await services.users.list(tenant: tenant, role: nil, isActive: nil, q: q, segment: segment,
                                                 cursor: query.get("cursor"), limit: 50, context: signedIn.context)
        let segments: [String]
        do {
            segments = try await services.segments.list(tenant: tenant, cursor: nil, limit: Limits.maxPageSize, context: signedIn.context)
                .items.map(\.name)
        } catch RosterError.forbidden {
            segments = Segment.builtIn.keys.sorted()
        }
        let next = page.nextCursor.map {
            "/ui/t/\(Self.pathSegment(tenant))/users?" + Self.query([("q", q), ("segment", segment), ("cursor", $0)])
        }
        var view = UsersView(tenant: tenant, csrf: signedIn.session.csrf, q: q ?? "", segments: segments, segment: segment.map { $0.lowercased() },
                             users: page.items, nextURL: next)
        view.report = report
        view.csv = csv
        view.canImport = signedIn.nav.importDealers
        return .page(title: "Users", template: "users", view: view, status: status)
    }

    func importDealers(_ request: Request, tenant: String) async -> Response {
        await runForm(request, tenant: tenant) { signedIn, fields in
            let csv = fields["csv"] ?? ""
            let rows: [DealerRow]
            do {
                // Nothing sent is said so (it answered "0 created, 0 updated, 0 unchanged"; found by a probe).
                guard !csv.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw RosterError.invalid("csv", "choose a file or paste the rows")
                }
                rows = try DealerImport.parseCSV(csv)
                guard !rows.isEmpty else { throw RosterError.invalid("csv", "the file has a header row and no rows") }
            } catch RosterError.validation(let errors) {
                let report = UsersView.Report(created: 0, updated: 0, unchanged: 0,
                                              errors: errors.map { PartyView.FieldMessage(field: $0.field, message: $0.message) }, hasErrors: true,
                                              refused: true)
                return try await usersPage(request, tenant: tenant, signedIn: signedIn, report: report, csv: csv, status: .unprocessableContent)
            }
            let result = try await services.dealers.run(tenant: tenant, rows: rows, context: signedIn.context)
            let report = UsersView.Report(created: result.created, updated: result.updated, unchanged: result.unchanged,
                                          errors: result.errors.map { PartyView.FieldMessage(field: "\($0.row) \($0.field)", message: $0.message) },
                                          hasErrors: !result.errors.isEmpty)
            // With refused rows the rows stay in the form, to be mended and sent again (they were emptied; a probe).
            return try await usersPage(request, tenant: tenant, signedIn: signedIn, report: report, csv: result.errors.isEmpty ? "" : csv)
        }
    }
}
