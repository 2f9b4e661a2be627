package dev.headroom.organization.web;

import dev.headroom.organization.Caller;
import dev.headroom.organization.ConsoleAccounts;
import dev.headroom.organization.MemberJson;
import dev.headroom.organization.MemberService;
import dev.headroom.organization.Role;
import dev.headroom.organization.SeatType;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Adds members, changes their role or seat type, removes them and hands over the primary-owner role
 * (owners, within the rank rules of EX-14).
 */
@RestController
@RequestMapping("/api/v1/orgs/{org}")
public class MemberController {
    private final MemberService members;
    private final ConsoleAccounts accounts;

    public MemberController(MemberService members, ConsoleAccounts accounts) {
        this.members = members;
        this.accounts = accounts;
    }

    /** The password is never echoed, logged or audited; only its bcrypt hash is stored. */
    public record ConsolePassword(String password) {}

    public record CreateMember(String email, String name, Role role, SeatType seatType) {}

    public record UpdateMember(Role role, SeatType seatType) {}

    public record PrimaryOwner(String memberId) {}

    @PostMapping("/members")
    @ResponseStatus(HttpStatus.CREATED)
    public MemberJson create(
            Caller caller, @PathVariable("org") String orgId, @RequestBody CreateMember body) {
        caller.requireRole(orgId, Role.OWNER);
        return MemberJson.of(
                members.create(
                        orgId,
                        new MemberService.NewMember(
                                body.email(), body.name(), body.role(), body.seatType()),
                        caller));
    }

    @PatchMapping("/members/{member}")
    public MemberJson update(
            Caller caller,
            @PathVariable("org") String orgId,
            @PathVariable("member") String memberId,
            @RequestBody UpdateMember body) {
        caller.requireRole(orgId, Role.OWNER);
        return MemberJson.of(members.update(orgId, memberId, body.role(), body.seatType(), caller));
    }

    /** EX-13: the member leaves; their history stays. */
    @DeleteMapping("/members/{member}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void remove(
            Caller caller,
            @PathVariable("org") String orgId,
            @PathVariable("member") String memberId) {
        caller.requireRole(orgId, Role.OWNER);
        members.remove(orgId, memberId, caller);
    }

    /** EX-14: by the primary owner or the operator, to an existing owner. */
    @PostMapping("/primary-owner")
    public MemberJson primaryOwner(
            Caller caller, @PathVariable("org") String orgId, @RequestBody PrimaryOwner body) {
        caller.requireRole(orgId, Role.OWNER);
        return MemberJson.of(members.handOverPrimaryOwner(orgId, body.memberId(), caller));
    }

    /** Lets the member sign in to the console with their email and this password (issue 8). */
    @PutMapping("/members/{member}/console-password")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void consolePassword(
            Caller caller,
            @PathVariable("org") String orgId,
            @PathVariable("member") String memberId,
            @RequestBody ConsolePassword body) {
        caller.requireRole(orgId, Role.OWNER);
        accounts.setPassword(orgId, memberId, body.password(), caller);
    }
}
