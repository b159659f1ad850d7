import Foundation
import OpenAPIRuntime
import RosterCore
package import RosterOpenAPI
import RosterService

extension Components.Schemas.User {
    init(_ u: User) {
        self.init(id: u.id.description, email: u.email?.value, ssoIssuer: u.ssoIssuer, ssoSubject: u.ssoSubject, employeeId: u.employeeID,
                  displayName: u.displayName, designation: u.designation, department: u.department,
                  role: Components.Schemas.UserRole(rawValue: u.role.rawValue)!, isActive: u.isActive,
                  partyId: u.partyID?.description, createdAt: u.createdAt, updatedAt: u.updatedAt, version: u.version)
    }
}

extension Components.Schemas.UserRole {
    var domain: User.Role { User.Role(rawValue: rawValue)! }
}

extension Components.Schemas.APIKey {
    init(_ k: APIKey) {
        self.init(id: k.id.description, name: k.name, prefix: k.prefix, role: Components.Schemas.UserRole(rawValue: k.role.rawValue)!,
                  roleIds: k.roleIDs.isEmpty ? nil : k.roleIDs.map(\.description), createdAt: k.createdAt, revokedAt: k.revokedAt,
                  createdBy: k.createdBy?.description)
    }
}

extension Components.Schemas.EffectivePolicy {
    /// Roster's own policies for a caller who holds everything; else each granted policy, sorted by name.
    static func list(_ grants: Grants) -> [Self] {
        if grants.everything { return AccessRole.rosterPolicies.map { .init(policy: $0, scope: .tenant) } }
        return grants.policies.sorted { $0.key < $1.key }.map { policy, scope in
            switch scope {
            case .tenant:
                return .init(policy: policy, scope: .tenant)
            case .subtrees(let subtrees):
                return .init(policy: policy, scope: .subtrees, subtrees: subtrees.map {
                    .init(organizationId: $0.organizationID.description, relationshipType: $0.relationshipType)
                })
            }
        }
    }
}

extension Components.Schemas.Segment {
    init(_ s: Segment) {
        self.init(name: s.name, rules: s.rules.map { rule in
            Components.Schemas.SegmentRule(field: .init(rawValue: rule.field.rawValue)!, _operator: .init(rawValue: rule.op.rawValue)!,
                                           value: rule.value, caseSensitive: rule.caseSensitive ? true : nil)
        })
    }
}

extension RosterAPIHandlers {
    package func createUser(_ input: Operations.CreateUser.Input) async throws -> Operations.CreateUser.Output {
        guard case .json(let b) = input.body else { throw RosterError.badRequest("expected JSON") }
        var errors = ValidationErrors()
        let party = errors.check { try b.partyId.map { Party.ID(try uuid($0, field: "partyId")) } } ?? nil
        let user = UserInput(email: b.email, ssoIssuer: b.ssoIssuer, ssoSubject: b.ssoSubject, employeeID: b.employeeId,
                             displayName: b.displayName, designation: b.designation, department: b.department, role: b.role?.domain,
                             isActive: b.isActive, partyID: party)
        let context = try RequestInfo.context(refusingTogether: &errors) { errors in errors.check { try UserService.checkNew(user) } }
        let created = try await services.users.create(tenant: input.path.tenant, user, context: context)
        // Its version as an ETag, as a read or a change answers it (a user's version is its ETag).
        return .created(.init(headers: .init(location: "/v1/tenants/\(input.path.tenant)/users/\(created.id)", eTag: ETag.make(created.version)),
                              body: .json(.init(created))))
    }

    package func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        let context = try RequestInfo.context()
        let q = input.query
        let page = try await services.users.list(tenant: input.path.tenant, role: q.role?.domain, isActive: q.isActive, q: q.q,
                                                 segment: q.segment, cursor: q.cursor, limit: q.limit, context: context)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.User.init), nextCursor: page.nextCursor))))
    }

    package func getUser(_ input: Operations.GetUser.Input) async throws -> Operations.GetUser.Output {
        let context = try RequestInfo.context()
        let user = try await services.users.get(tenant: input.path.tenant, id: try userID(input.path.userId), context: context)
        return .ok(.init(headers: .init(eTag: ETag.make(user.version)), body: .json(.init(user))))
    }

    package func updateUser(_ input: Operations.UpdateUser.Input) async throws -> Operations.UpdateUser.Output {
        let context = try RequestInfo.context()
        let body: Components.Schemas.UserPatch
        switch input.body {
        case .json(let b), .applicationMergePatchJson(let b): body = b
        }
        let (patch, clearing) = try MergePatch.user(body.additionalProperties)
        let user = try await services.users.update(tenant: input.path.tenant, id: try userID(input.path.userId), patch, clearing: clearing,
                                                   ifMatch: try ETag.version(input.headers.ifMatch), context: context)
        return .ok(.init(headers: .init(eTag: ETag.make(user.version)), body: .json(.init(user))))
    }

    package func importDealers(_ input: Operations.ImportDealers.Input) async throws -> Operations.ImportDealers.Output {
        let context = try RequestInfo.context()
        let rows: [DealerRow]
        switch input.body {
        case .json(let b):
            // The spec's maxItems (the generated decoder does not check it).
            guard b.rows.count <= 10_000 else { throw RosterError.invalid("rows", "at most 10000 rows; send more as CSV, or in several requests") }
            rows = b.rows.map { DealerRow(email: $0.email, displayName: $0.displayName, dealerCode: $0.dealerCode) }
        case .csv(let body):
            rows = try DealerImport.parseCSV(DealerImport.text(try await [UInt8](collecting: body, upTo: 8 << 20)))
        }
        let report = try await services.dealers.run(tenant: input.path.tenant, rows: rows, context: context)
        return .ok(.init(body: .json(.init(created: report.created, updated: report.updated, unchanged: report.unchanged,
                                           errors: report.errors.map { .init(row: $0.row, field: $0.field, message: $0.message) }))))
    }

    package func getSegment(_ input: Operations.GetSegment.Input) async throws -> Operations.GetSegment.Output {
        let context = try RequestInfo.context()
        return .ok(.init(body: .json(.init(try await services.segments.get(tenant: input.path.tenant, name: input.path.name, context: context)))))
    }

    package func putSegment(_ input: Operations.PutSegment.Input) async throws -> Operations.PutSegment.Output {
        let context = try RequestInfo.context()
        guard case .json(let b) = input.body else { throw RosterError.badRequest("expected JSON") }
        let rules = b.rules.map { rule in
            Segment.Rule(field: Segment.Field(rawValue: rule.field.rawValue)!, op: Segment.Operator(rawValue: rule._operator.rawValue)!,
                         value: rule.value, caseSensitive: rule.caseSensitive ?? false)
        }
        let segment = try await services.segments.put(tenant: input.path.tenant, name: input.path.name, rules: rules, context: context)
        return .ok(.init(body: .json(.init(segment))))
    }

    package func listSegments(_ input: Operations.ListSegments.Input) async throws -> Operations.ListSegments.Output {
        let context = try RequestInfo.context()
        let page = try await services.segments.list(tenant: input.path.tenant, cursor: input.query.cursor, limit: input.query.limit,
                                                    context: context)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.Segment.init), nextCursor: page.nextCursor))))
    }

    package func deleteSegment(_ input: Operations.DeleteSegment.Input) async throws -> Operations.DeleteSegment.Output {
        let context = try RequestInfo.context()
        try await services.segments.delete(tenant: input.path.tenant, name: input.path.name, context: context)
        return .noContent(.init())
    }

    package func resolveIdentity(_ input: Operations.ResolveIdentity.Input) async throws -> Operations.ResolveIdentity.Output {
        let context = try RequestInfo.context()
        guard case .json(let b) = input.body else { throw RosterError.badRequest("expected JSON") }
        let result = try await services.identities.resolve(tenant: input.path.tenant, identifier: b.identifier, firstName: b.firstName,
                                                           lastName: b.lastName, context: context)
        return .ok(.init(body: .json(.init(userId: result.user.id.description, partyId: result.partyID.description,
                                           userCreated: result.userCreated, partyCreated: result.partyCreated,
                                           user: .init(result.user), party: result.party.map { Components.Schemas.Party($0) }))))
    }

    package func createAPIKey(_ input: Operations.CreateAPIKey.Input) async throws -> Operations.CreateAPIKey.Output {
        let context = try RequestInfo.context()
        guard case .json(let b) = input.body else { throw RosterError.badRequest("expected JSON") }
        let roleIDs = try (b.roleIds ?? []).enumerated().map { index, raw in AccessRole.ID(try uuid(raw, field: "roleIds[\(index)]")) }
        let (key, secret) = try await services.apiKeys.create(tenant: input.path.tenant, name: b.name, role: b.role?.domain ?? .user,
                                                              roleIDs: roleIDs, context: context)
        return .created(.init(body: .json(.init(apiKey: .init(key), key: secret))))
    }

    package func listAPIKeys(_ input: Operations.ListAPIKeys.Input) async throws -> Operations.ListAPIKeys.Output {
        let context = try RequestInfo.context()
        let page = try await services.apiKeys.page(tenant: input.path.tenant, cursor: input.query.cursor, limit: input.query.limit, context: context)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.APIKey.init), nextCursor: page.nextCursor))))
    }

    package func revokeAPIKey(_ input: Operations.RevokeAPIKey.Input) async throws -> Operations.RevokeAPIKey.Output {
        let context = try RequestInfo.context()
        guard let id = APIKey.ID(uuidString: input.path.keyId) else { throw RosterError.notFound("no API key \(input.path.keyId.prefix(40))") }
        try await services.apiKeys.revoke(tenant: input.path.tenant, id: id, context: context)
        return .noContent(.init())
    }

    package func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        let context = try RequestInfo.context()
        let caller = context.caller
        let (user, roles, grants) = try await services.access.me(tenant: input.path.tenant, context: context)
        var me = Components.Schemas.Me(kind: .platform, id: "", role: caller.role.map { .init(rawValue: $0.rawValue)! },
                                       tenant: caller.tenantSlug ?? input.path.tenant, user: user.map { .init($0) },
                                       roles: caller.principal.isPlatform ? nil : roles.map(Components.Schemas.Role.init),
                                       allPolicies: grants.everything, policies: Components.Schemas.EffectivePolicy.list(grants))
        switch caller.principal {
        case .platform(let id): (me.kind, me.id) = (.platform, id)
        case .apiKey(let id): (me.kind, me.id) = (.apiKey, id)
        case .user(let id): (me.kind, me.id) = (.user, id)
        case .system: throw RosterError.forbidden("not a caller")
        }
        return .ok(.init(body: .json(me)))
    }

    func userID(_ raw: String) throws -> User.ID {
        guard let id = User.ID(uuidString: raw) else { throw RosterError.notFound("no user \(raw.prefix(40))") }
        return id
    }

    /// A role id in a path: one that is no UUID names no role (404, as for any other id).
    func roleID(_ raw: String) throws -> AccessRole.ID {
        guard let id = AccessRole.ID(uuidString: raw) else { throw RosterError.notFound("no role \(raw.prefix(40))") }
        return id
    }
}

extension MergePatch {
    static func user(_ object: OpenAPIObjectContainer) throws -> (UserInput, Set<String>) {
        var input = UserInput()
        var clearing = Set<String>()
        var errors = ValidationErrors()
        for (key, value) in object.value.sorted(by: { $0.key < $1.key }) {
            func string() -> String? {
                if value == nil { clearing.insert(key); return nil }
                guard let text = value as? String else { errors.add(key, "must be a string or null"); return nil }
                return text
            }
            switch key {
            case "email": input.email = string()
            case "ssoIssuer": input.ssoIssuer = string()
            case "ssoSubject": input.ssoSubject = string()
            case "employeeId": input.employeeID = string()
            case "displayName": input.displayName = string()
            case "designation": input.designation = string()
            case "department": input.department = string()
            case "role":
                if let raw = value as? String, let role = User.Role(rawValue: raw) { input.role = role } else {
                    errors.add(key, "must be USER, MANAGEMENT or ADMIN")
                }
            case "isActive":
                if let flag = value as? Bool { input.isActive = flag } else { errors.add(key, "must be a boolean") }
            case "partyId":
                if value == nil { clearing.insert(key) } else if let raw = value as? String, let id = Party.ID(uuidString: raw) {
                    input.partyID = id
                } else { errors.add(key, "must be a party id or null") }
            case "id", "createdAt", "updatedAt", "version":
                errors.add(key, "can't be changed with PATCH")
            default:
                errors.add(key, "is not a field of a user")
            }
        }
        try errors.throwIfAny()
        return (input, clearing)
    }
}
