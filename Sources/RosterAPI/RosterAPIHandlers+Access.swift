import Foundation
import OpenAPIRuntime
import RosterCore
package import RosterOpenAPI
import RosterService

extension Components.Schemas.Role {
    init(_ r: AccessRole) {
        self.init(id: r.id.description, name: r.name, policies: r.policies, organizationId: r.organizationID?.description,
                  _type: r.relationshipType, relationshipType: r.relationshipType, createdAt: r.createdAt)
    }

    /// A user's role with its grant's window.
    init(_ grant: RosterCore.RoleGrant) {
        self.init(grant.role)
        validFrom = grant.window.validFrom
        validTo = grant.window.validTo
    }
}

extension RosterAPIHandlers {
    package func createRole(_ input: Operations.CreateRole.Input) async throws -> Operations.CreateRole.Output {
        guard case .json(let b) = input.body else { throw RosterError.badRequest("expected JSON") }
        // The edge type's refusals name the member the body gave (`type` was named `relationshipType`; found by a probe).
        let typeField = b._type != nil ? "type" : "relationshipType"
        func named(_ fields: [FieldError]) -> [FieldError] {
            fields.map { $0.field == "relationshipType" ? FieldError(typeField, $0.message) : $0 }
        }
        var errors = ValidationErrors()
        let organization = errors.check { try b.organizationId.map { Party.ID(try uuid($0, field: "organizationId")) } } ?? nil
        let type = errors.check { try Self.roleType(b._type, alias: b.relationshipType) } ?? nil
        let context: OperationContext
        do {
            context = try RequestInfo.context(refusingTogether: &errors) { errors in
                _ = AccessService.roleFields(name: b.name, policies: b.policies, relationshipType: type, scoped: b.organizationId != nil,
                                             errors: &errors)
            }
        } catch RosterError.validation(let fields) {
            throw RosterError.validation(named(fields))
        }
        do {
            let role = try await services.access.createRole(tenant: input.path.tenant, name: b.name, policies: b.policies,
                                                            organizationID: organization, relationshipType: type, context: context)
            return .created(.init(body: .json(.init(role))))
        } catch RosterError.validation(let fields) {
            throw RosterError.validation(named(fields))
        }
    }

    /// `type`, or its alias `relationshipType`; both given must agree.
    static func roleType(_ type: String?, alias: String?) throws -> String? {
        if let type, let alias, type != alias { throw RosterError.invalid("relationshipType", "differs from type; give one of them") }
        return type ?? alias
    }

    package func listRoles(_ input: Operations.ListRoles.Input) async throws -> Operations.ListRoles.Output {
        let context = try RequestInfo.context()
        let page = try await services.access.rolesPage(tenant: input.path.tenant, cursor: input.query.cursor, limit: input.query.limit,
                                                       context: context)
        return .ok(.init(body: .json(.init(items: page.items.map(Components.Schemas.Role.init), nextCursor: page.nextCursor))))
    }

    package func deleteRole(_ input: Operations.DeleteRole.Input) async throws -> Operations.DeleteRole.Output {
        let context = try RequestInfo.context()
        try await services.access.deleteRole(tenant: input.path.tenant, id: try roleID(input.path.roleId), context: context)
        return .noContent(.init())
    }

    package func grantRole(_ input: Operations.GrantRole.Input) async throws -> Operations.GrantRole.Output {
        let context = try RequestInfo.context()
        guard case .json(let b) = input.body else { throw RosterError.badRequest("expected JSON") }
        let roles = try await services.access.grant(tenant: input.path.tenant, user: try userID(input.path.userId),
                                                    role: AccessRole.ID(try uuid(b.roleId, field: "roleId")),
                                                    window: ValidityWindow(validFrom: b.validFrom, validTo: b.validTo), context: context)
        return .ok(.init(body: .json(.init(items: roles.map(Components.Schemas.Role.init)))))
    }

    package func listUserRoles(_ input: Operations.ListUserRoles.Input) async throws -> Operations.ListUserRoles.Output {
        let context = try RequestInfo.context()
        let roles = try await services.access.roles(tenant: input.path.tenant, user: try userID(input.path.userId), context: context)
        return .ok(.init(body: .json(.init(items: roles.map(Components.Schemas.Role.init)))))
    }

    package func revokeRole(_ input: Operations.RevokeRole.Input) async throws -> Operations.RevokeRole.Output {
        let context = try RequestInfo.context()
        try await services.access.revoke(tenant: input.path.tenant, user: try userID(input.path.userId), role: try roleID(input.path.roleId),
                                         context: context)
        return .noContent(.init())
    }

    package func revokeRoleByReference(_ input: Operations.RevokeRoleByReference.Input) async throws -> Operations.RevokeRoleByReference.Output {
        let context = try RequestInfo.context()
        var body: Components.Schemas.RoleReference?
        if case .json(let b) = input.body { body = b }
        let (_, raw) = try Self.namedOnce([("roleId", input.query.roleId), ("roleId", body?.roleId)], field: "roleId",
                                          what: "the role by roleId")
        let role = AccessRole.ID(try uuid(raw, field: "roleId"))
        try await services.access.revoke(tenant: input.path.tenant, user: try userID(input.path.userId), role: role, context: context)
        return .noContent(.init())
    }

    package func checkAccess(_ input: Operations.CheckAccess.Input) async throws -> Operations.CheckAccess.Output {
        guard case .json(let b) = input.body else { throw RosterError.badRequest("expected JSON") }
        let answer = try await decideAccess(tenant: input.path.tenant, userId: b.userId, policy: b.policy, partyId: b.partyId,
                                            at: (query: input.query.at, body: b.at))
        if let written = PreEncodedBody.response(ResponseJSON.encode(answer)) { throw written }
        return .ok(.init(body: .json(answer)))
    }

    /// `POST .../access/check`'s decision. The one code path of the generated operation and of the direct route the
    /// server takes for the plainest form of this request (`AccessCheckRoute`).
    func decideAccess(tenant: String, userId: String, policy: String, partyId: String,
                      at: (query: Date?, body: Date?) = (nil, nil)) async throws -> Components.Schemas.AccessDecision {
        let context = try RequestInfo.context()
        let (user, party) = try uuids((userId, "userId"), (partyId, "partyId"))
        if let query = at.query, let body = at.body, query != body {
            throw RosterError.invalid("at", "is given in the query and in the body with different instants")
        }
        let decision = try await services.access.check(tenant: tenant, user: User.ID(user), policy: policy, party: Party.ID(party),
                                                      at: at.query ?? at.body, context: context)
        return Self.decision(decision)
    }

    static func decision(_ decision: AccessDecision, party: Party.ID? = nil) -> Components.Schemas.AccessDecision {
        .init(allowed: decision.allowed, reason: decision.reason, roleId: decision.roleID?.description,
              path: decision.path.isEmpty ? nil : decision.path.map(\.description), at: decision.at, partyId: party?.description)
    }

    package func listAccessibleParties(_ input: Operations.ListAccessibleParties.Input) async throws -> Operations.ListAccessibleParties.Output {
        let context = try RequestInfo.context()
        let q = input.query
        let (page, decisions) = try await services.access.decidedParties(
            tenant: input.path.tenant, user: User.ID(try uuid(q.userId, field: "userId")), policy: q.policy, at: q.at, cursor: q.cursor,
            limit: q.limit, context: context)
        return .ok(.init(body: .json(.init(
            items: page.items.map { Components.Schemas.Party($0) },
            decisions: page.items.compactMap { party in decisions[party.id].map { Self.decision($0, party: party.id) } },
            nextCursor: page.nextCursor))))
    }
}
