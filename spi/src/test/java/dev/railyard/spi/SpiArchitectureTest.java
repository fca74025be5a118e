package dev.railyard.spi;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The SPI depends on the JDK only, and its packages have no cycles. */
class SpiArchitectureTest {

    private static final JavaClasses SPI = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.railyard.spi");

    @Test
    void spiDependsOnTheJdkOnly() {
        noClasses().that().resideInAPackage("dev.railyard.spi..")
                .should().dependOnClassesThat().resideOutsideOfPackages("java..", "dev.railyard.spi..")
                .because("plugins compile against the SPI alone; it must pull in nothing")
                .check(SPI);
    }

    @Test
    void spiPackagesHaveNoCycles() {
        slices().matching("dev.railyard.spi.(*)..").should().beFreeOfCycles().check(SPI);
    }
}
