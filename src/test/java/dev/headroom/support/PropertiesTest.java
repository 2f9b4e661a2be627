package dev.headroom.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The property runner itself: a failing sequence is reported with its seed, reduced greedily. */
class PropertiesTest {

    @Test
    void aFailingSequenceIsReducedToTheStepsThatFail() {
        assertThatThrownBy(() ->
                        Properties.forAllSequences(
                                5L,
                                200,
                                random -> {
                                    List<Integer> steps = new ArrayList<>();
                                    for (int i = 0; i < 30; i++) {
                                        steps.add(random.nextInt(10));
                                    }
                                    return steps;
                                },
                                steps -> assertThat(steps).doesNotContain(7)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("with seed 5")
                .hasMessageContaining("reduced from 30 to 1 steps: [7]");
    }

    @Test
    void aPassingPropertyRunsEveryTry() {
        int[] runs = {0};
        Properties.forAll(1L, 300, random -> random.nextInt(), value -> runs[0]++);
        assertThat(runs[0]).isEqualTo(300);
    }
}
