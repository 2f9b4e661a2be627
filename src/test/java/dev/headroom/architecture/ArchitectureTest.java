package dev.headroom.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.headroom.HeadroomApplication;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/** DESIGN.md's rules, checked: a pure core, exact money, time from a Clock, modules that verify. */
class ArchitectureTest {
    static final JavaClasses CLASSES =
            new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("dev.headroom");

    /** The decisions of SPEC §4 and §5 outside metering's rules: plain Java, records in and out. */
    static final String[] PURE_CORE = {
        "dev.headroom.organization.RankRules",
        "dev.headroom.pricing.CostCalculator",
        "dev.headroom.pricing.PriceBook",
        "dev.headroom.core.Money",
        "dev.headroom.core.BillingPeriod"
    };

    static final String[] NOT_IN_THE_PURE_CORE = {
        "org.springframework..",
        "java.sql..",
        "javax.sql..",
        "java.io..",
        "java.net..",
        "java.nio.file..",
        "tools.jackson.."
    };

    @Test
    void thePureCoreUsesNoFrameworkSqlOrIo() {
        noClasses()
                .that()
                .haveNameMatching(String.join("|", PURE_CORE).replace(".", "\\.") + "(\\$.*)?")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(NOT_IN_THE_PURE_CORE)
                .check(CLASSES);
    }

    /**
     * Every class of metering's rules, whoever adds it: no framework, SQL, I/O or clock (the
     * package-info's annotation aside), no floating point.
     */
    @Test
    void meteringRulesArePureByPackage() {
        noClasses()
                .that()
                .resideInAPackage("dev.headroom.metering.rules..")
                .and()
                .doNotHaveSimpleName("package-info")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(NOT_IN_THE_PURE_CORE)
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.time.Clock")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.lang.Double")
                .orShould()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.lang.Float")
                .check(CLASSES);
    }

    @Test
    void timeComesFromAnInjectedClock() {
        noClasses()
                .should()
                .callMethod(java.time.Instant.class, "now")
                .orShould()
                .callMethod(java.time.LocalDateTime.class, "now")
                .orShould()
                .callMethod(java.time.ZonedDateTime.class, "now")
                .orShould()
                .callMethod(System.class, "currentTimeMillis")
                .check(CLASSES);
    }

    @Test
    void noFloatingPointNearMoney() {
        fields().should()
                .notHaveRawType(double.class)
                .andShould()
                .notHaveRawType(float.class)
                .andShould()
                .notHaveRawType(Double.class)
                .andShould()
                .notHaveRawType(Float.class)
                .check(CLASSES);
        noClasses()
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("java.lang.Double")
                .check(CLASSES);
    }

    @Test
    void controllersLiveInWebPackages() {
        classes()
                .that()
                .areAnnotatedWith(org.springframework.web.bind.annotation.RestController.class)
                .should()
                .resideInAPackage("..web..")
                .check(CLASSES);
    }

    @Test
    void modulesVerify() {
        ApplicationModules.of(HeadroomApplication.class).verify();
    }
}
