import Foundation

/// The learning rate at each optimizer step.
public enum LearningRateSchedule: Sendable, Equatable {
    case constant
    /// Multiplied by `factor` after every `everyEpochs` epochs.
    case step(everyEpochs: Int, factor: Double)
    /// Half a cosine from the initial rate at step 0 down to 0 after the last step.
    case cosine

    /// `step`: 0-based global step; `epoch`: 0-based epoch it belongs to.
    public func rate(initial: Double, step: Int, epoch: Int, totalSteps: Int) -> Double {
        switch self {
        case .constant:
            return initial
        case .step(let every, let factor):
            return initial * pow(factor, Double(epoch / every))
        case .cosine:
            return initial * 0.5 * (1 + cos(Double.pi * Double(step) / Double(max(totalSteps, 1))))
        }
    }
}
